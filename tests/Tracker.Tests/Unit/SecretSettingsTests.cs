using Microsoft.Extensions.Options;
using Tracker.Mail;
using Tracker.Security;
using Tracker.Testing;

namespace Tracker.Tests.Unit;

public sealed class SecretSettingsTests
{
    public const string UnresolvedReference = "@Microsoft.KeyVault(SecretUri=https://kv-x.vault.azure.net/secrets/a)";

    [Theory]
    [InlineData(UnresolvedReference, "unresolved Key Vault reference")]
    [InlineData("  @microsoft.keyvault(VaultName=kv-x;SecretName=a)", "unresolved Key Vault reference")]
    [InlineData("short-key-0123456789", "at least 32")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "too repetitive")]
    [InlineData("replace-with-a-long-random-secret", "placeholder")]
    [InlineData("a key with spaces in it 0123456789abcdef", "white space")]
    public void WeakOrUnresolvedBootstrapKeysAreRefusedNamingTheSetting(string key, string reason)
    {
        var problem = SecretSettings.BootstrapKeyProblem(key);
        Assert.NotNull(problem);
        Assert.Contains("Tracker:BootstrapAdminKey", problem);
        Assert.Contains(reason, problem);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("tt_devadmin_3q2u5Qm0-yTz8VxK1cJ9bWnLr4sHfGd7eP6aAoUiE0c")]
    public void AbsentOrStrongBootstrapKeysAreAccepted(string? key) => Assert.Null(SecretSettings.BootstrapKeyProblem(key));

    [Fact]
    public void AnUnresolvedOrMissingSmtpPasswordIsRefused()
    {
        Assert.Contains("Smtp:Password", SecretSettings.SmtpPasswordProblem(new SmtpOptions { Host = "smtp.example", User = "u", Password = UnresolvedReference }));
        Assert.Contains("Smtp:Password", SecretSettings.SmtpPasswordProblem(new SmtpOptions { Host = "smtp.example", User = "u" }));
        Assert.Null(SecretSettings.SmtpPasswordProblem(new SmtpOptions { Host = "smtp.example", User = "u", Password = "pw" }));
        Assert.Null(SecretSettings.SmtpPasswordProblem(new SmtpOptions { Host = "smtp.example" }));
        Assert.Null(SecretSettings.SmtpPasswordProblem(new SmtpOptions()));
    }

    /// <summary>The server refuses to start, and the message names the setting.</summary>
    [Theory]
    [InlineData("Tracker:BootstrapAdminKey", UnresolvedReference, "Tracker:BootstrapAdminKey")]
    [InlineData("Smtp:Password", UnresolvedReference, "Smtp:Password")]
    public async Task TheServerDoesNotStartWithAnUnresolvedReference(string setting, string value, string named)
    {
        await using var azurite = await Azurite.StartAsync();
        var settings = new Dictionary<string, string?> { [setting] = value, ["Smtp:Host"] = "smtp.example", ["Smtp:User"] = "u" };
        var key = setting == "Tracker:BootstrapAdminKey" ? value : "server-start-test-admin-key-0123456789abcdef";
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(azurite.ConnectionString, key, settings));
        Assert.Contains(named, failure.Message);
    }
}
