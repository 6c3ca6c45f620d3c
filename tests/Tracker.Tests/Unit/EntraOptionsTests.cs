using System.ComponentModel.DataAnnotations;
using Tracker.Security;

namespace Tracker.Tests.Unit;

/// <summary>The Auth:Entra settings are checked when the host starts: each problem names its setting.</summary>
public sealed class EntraOptionsTests
{
    [Fact]
    public void AWorkingConfigurationPassesAndOffIsAlwaysFine()
    {
        Assert.Empty(Problems(new EntraOptions()));
        Assert.Empty(Problems(new EntraOptions { TenantId = Guid.NewGuid().ToString(), ClientId = Guid.NewGuid().ToString(), ClientSecret = "s3cr3t~value" }));
    }

    [Fact]
    public void AnUnresolvedKeyVaultReferenceAsTheClientSecretAndAMissingClientIdAreNamed()
    {
        var problems = Problems(new EntraOptions
        {
            TenantId = "contoso",
            ClientSecret = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/entra-client-secret)",
        });
        Assert.Contains(problems, p => p.StartsWith("Auth:Entra:TenantId must be the directory (tenant) id", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Auth:Entra:ClientSecret (app setting Auth__Entra__ClientSecret) is an unresolved Key Vault reference", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Auth:Entra:ClientId is required", StringComparison.Ordinal));
    }

    private static List<string> Problems(EntraOptions options) =>
        [.. options.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage!)];
}
