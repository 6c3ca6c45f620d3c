using System.ComponentModel.DataAnnotations;

namespace Tracker.Storage;

/// <summary>The <c>Storage</c> section: a connection string, or endpoints reached with DefaultAzureCredential.</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    public string? ConnectionString { get; set; }

    public Uri? TableEndpoint { get; set; }

    public Uri? BlobEndpoint { get; set; }

    /// <summary>The queue service (job work items) when reached with DefaultAzureCredential.</summary>
    public Uri? QueueEndpoint { get; set; }

    /// <summary>How many times the SDK retries a failed storage call before the request answers 503.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) && TableEndpoint is null)
        {
            yield return new ValidationResult(
                "Set Storage:ConnectionString (for Azurite: UseDevelopmentStorage=true) or Storage:TableEndpoint to reach Table Storage with DefaultAzureCredential.",
                [nameof(ConnectionString), nameof(TableEndpoint)]);
        }
        if (string.IsNullOrWhiteSpace(ConnectionString) && BlobEndpoint is null)
        {
            yield return new ValidationResult(
                "Set Storage:BlobEndpoint next to Storage:TableEndpoint: job locks are blob leases.", [nameof(BlobEndpoint)]);
        }
        if (string.IsNullOrWhiteSpace(ConnectionString) && QueueEndpoint is null)
        {
            yield return new ValidationResult(
                "Set Storage:QueueEndpoint next to Storage:TableEndpoint: the jobs hand out their work on queues.", [nameof(QueueEndpoint)]);
        }
    }
}
