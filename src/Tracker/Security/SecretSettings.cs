using Microsoft.Extensions.Options;
using Tracker.Common;

using Tracker.Mail;

namespace Tracker.Security;

/// <summary>
/// Start-up checks of the settings that hold secrets. In Azure they are Key Vault references; when App Service
/// cannot resolve one (the identity lacks its role, the secret is missing) it hands the app the literal
/// <c>@Microsoft.KeyVault(...)</c> text — predictable, so never acceptable as a key or password. A bootstrap admin
/// key must also be long and varied enough to resist guessing.
/// </summary>
public static class SecretSettings
{
    public const int MinimumKeyLength = 32;
    public const int MinimumDistinctCharacters = 12;

    /// <summary>Values from our own examples and docs, refused so that nobody deploys them.</summary>
    private static readonly string[] Placeholders = ["replace-with-a-long-random-secret", "changeme", "change-me"];

    public static bool IsUnresolvedKeyVaultReference(string value) =>
        value.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the bootstrap admin key can't be used, or null when it can (or is absent: then none is configured).</summary>
    public static string? BootstrapKeyProblem(string? key)
    {
        const string setting = "Tracker:BootstrapAdminKey (app setting Tracker__BootstrapAdminKey)";
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }
        if (IsUnresolvedKeyVaultReference(key))
        {
            return $"{setting} is an unresolved Key Vault reference: the app received the reference text instead of the secret. "
                + "Check that the secret exists and that the app's identity (keyVaultReferenceIdentity) holds Key Vault Secrets User on the vault.";
        }
        if (Placeholders.Any(p => key.Contains(p, StringComparison.OrdinalIgnoreCase)))
        {
            return $"{setting} is the placeholder from the examples; generate a key, e.g. openssl rand -base64 32.";
        }
        if (key.Any(char.IsWhiteSpace) || key.Any(char.IsControl))
        {
            return $"{setting} contains white space or control characters; keys are sent in a header and a query parameter.";
        }
        if (key.Length < MinimumKeyLength)
        {
            return $"{setting} is {key.Length} characters; it must be at least {MinimumKeyLength} (e.g. openssl rand -base64 32).";
        }
        if (key.Distinct().Count() < MinimumDistinctCharacters)
        {
            return $"{setting} is too repetitive ({key.Distinct().Count()} distinct characters, at least {MinimumDistinctCharacters}); use a random key.";
        }
        return null;
    }

    /// <summary>Why the SMTP password can't be used, or null. Required when a relay and a user are configured.</summary>
    public static string? SmtpPasswordProblem(SmtpOptions smtp)
    {
        const string setting = "Smtp:Password (app setting Smtp__Password)";
        if (smtp.Password is { } password && IsUnresolvedKeyVaultReference(password))
        {
            return $"{setting} is an unresolved Key Vault reference: the app received the reference text instead of the secret. "
                + "Check that the secret exists and that the app's identity holds Key Vault Secrets User on the vault.";
        }
        if (!string.IsNullOrWhiteSpace(smtp.Host) && !string.IsNullOrWhiteSpace(smtp.User) && string.IsNullOrEmpty(smtp.Password))
        {
            return $"{setting} is empty while Smtp:Host and Smtp:User are set; the relay needs the user's password.";
        }
        return null;
    }
}

/// <summary>Runs <see cref="SecretSettings.BootstrapKeyProblem"/> when the host starts (options validated on start).</summary>
public sealed class TrackerOptionsValidation : IValidateOptions<TrackerOptions>
{
    public ValidateOptionsResult Validate(string? name, TrackerOptions options) =>
        SecretSettings.BootstrapKeyProblem(options.BootstrapAdminKey) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}

/// <summary>Runs <see cref="SecretSettings.SmtpPasswordProblem"/> when the host starts.</summary>
public sealed class SmtpOptionsValidation : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options) =>
        SecretSettings.SmtpPasswordProblem(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
