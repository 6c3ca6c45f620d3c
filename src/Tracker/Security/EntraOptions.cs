using System.ComponentModel.DataAnnotations;

namespace Tracker.Security;

/// <summary>
/// The <c>Auth:Entra</c> section: sign-in with Microsoft Entra ID beside API keys. Off while <see cref="TenantId"/> is
/// empty. Tokens are validated in the app (both hosts), never by App Service Authentication.
/// </summary>
public sealed class EntraOptions : IValidatableObject
{
    public const string Section = "Auth:Entra";

    /// <summary>The directory (tenant) id whose tokens are accepted; empty: Entra sign-in is off.</summary>
    public string? TenantId { get; set; }

    /// <summary>The application (client) id of the tracker's app registration: an accepted audience.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// The client secret the dashboard's sign-in (authorization code flow with PKCE) presents at the token endpoint:
    /// Entra requires one (or a certificate) of a web app. From Key Vault in Azure; empty only for a test provider.
    /// </summary>
    public string? ClientSecret { get; set; }

    /// <summary>Further accepted audiences: the Application ID URI(s), e.g. <c>https://tracker.contoso.com</c> for Power BI.</summary>
    public string[] Audiences { get; set; } = [];

    /// <summary>The Entra instance that issues tokens (v2 issuer <c>{Instance}{tenant}/v2.0</c>).</summary>
    public Uri Instance { get; set; } = new("https://login.microsoftonline.com/");

    /// <summary>Where the signing keys come from; by default the tenant's OpenID configuration on <see cref="Instance"/>.</summary>
    public Uri? MetadataAddress { get; set; }

    /// <summary>Whether the metadata must come over https (tests on loopback turn it off).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Tolerated clock difference for exp and nbf.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The least time between two refetches of the keys when a token names an unknown key id.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(TenantId);

    public Uri Metadata => MetadataAddress ?? new Uri(Instance, $"{TenantId}/v2.0/.well-known/openid-configuration");

    /// <summary>What Power BI's Organizational account reads from the 401 to find where to sign in.</summary>
    public string AuthorizationUri => new Uri(Instance, $"{TenantId}/oauth2/authorize").ToString();

    /// <summary>The v1 and v2 issuers of the tenant.</summary>
    public IReadOnlyList<string> Issuers => [$"https://sts.windows.net/{TenantId}/", new Uri(Instance, $"{TenantId}/v2.0").ToString()];

    public IReadOnlyList<string> AcceptedAudiences =>
        [.. new[] { ClientId, ClientId is null ? null : "api://" + ClientId }.OfType<string>().Concat(Audiences).Where(a => a.Length > 0).Distinct()];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }
        if (!Guid.TryParse(TenantId, out _))
        {
            yield return new ValidationResult("Auth:Entra:TenantId must be the directory (tenant) id, a GUID.", [nameof(TenantId)]);
        }
        if (ClientSecret is { } secret && SecretSettings.IsUnresolvedKeyVaultReference(secret))
        {
            yield return new ValidationResult("Auth:Entra:ClientSecret (app setting Auth__Entra__ClientSecret) is an unresolved Key Vault reference: the app received "
                + "the reference text instead of the secret. Check that the secret exists and that the app's identity holds Key Vault Secrets User on the vault.",
                [nameof(ClientSecret)]);
        }
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return new ValidationResult(
                "Auth:Entra:ClientId is required with Auth:Entra:TenantId: the application (client) id of the tracker's app registration.", [nameof(ClientId)]);
        }
    }
}
