using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Options;
using Tracker.Storage;

namespace Tracker.Jobs;

/// <summary>
/// A blob lease per job (container <c>tracker-locks</c>), so that of many instances over one storage account only one
/// runs a job at a time. The lease lasts 60 s and is renewed every 20 s while the job runs.
/// </summary>
public sealed class JobLock : IStorageResource
{
    public const string Container = "tracker-locks";
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);

    private readonly BlobContainerClient _container;

    public JobLock(IOptions<StorageOptions> options)
    {
        var o = options.Value;
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = o.MaxRetries;
        var service = string.IsNullOrWhiteSpace(o.ConnectionString)
            ? new BlobServiceClient(o.BlobEndpoint!, new Azure.Identity.DefaultAzureCredential(), clientOptions)
            : new BlobServiceClient(o.ConnectionString, clientOptions);
        _container = service.GetBlobContainerClient(Container);
    }

    public async Task CreateAsync(CancellationToken ct) => await _container.CreateIfNotExistsAsync(cancellationToken: ct);

    /// <summary>The lease, or null when another instance holds it.</summary>
    public async Task<BlobLeaseClient?> TryAcquireAsync(string job, CancellationToken ct)
    {
        var blob = _container.GetBlobClient(job);
        try
        {
            await blob.UploadAsync(BinaryData.Empty, overwrite: false, ct);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // The blob exists (and may be leased): that is the normal case.
        }
        var lease = blob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(Duration, cancellationToken: ct);
            return lease;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }
    }
}
