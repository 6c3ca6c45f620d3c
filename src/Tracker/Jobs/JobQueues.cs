using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Tracker.Storage;

namespace Tracker.Jobs;

/// <summary>
/// The job queues: one per job (<see cref="IJob.Queue"/>) and its poison queue (<c>-poison</c>, the Functions host's
/// convention). Messages are JSON <see cref="PortfolioWork"/>, base64-encoded as the Functions queue trigger expects.
/// Created on start when missing; in Azure infra/ creates them, so the app needs no right to create queues.
/// </summary>
public sealed class JobQueues : IStorageResource
{
    public const string PoisonSuffix = "-poison";

    private readonly QueueServiceClient _service;
    private readonly IReadOnlyList<string> _names;

    public JobQueues(IOptions<StorageOptions> options, IEnumerable<IJob> jobs)
    {
        var o = options.Value;
        var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        clientOptions.Retry.MaxRetries = o.MaxRetries;
        _service = string.IsNullOrWhiteSpace(o.ConnectionString)
            ? new QueueServiceClient(o.QueueEndpoint!, new Azure.Identity.DefaultAzureCredential(), clientOptions)
            : new QueueServiceClient(o.ConnectionString, clientOptions);
        _names = [.. jobs.SelectMany(j => new[] { j.Queue, j.Queue + PoisonSuffix })];
    }

    public QueueClient Queue(IJob job) => _service.GetQueueClient(job.Queue);

    public QueueClient Poison(IJob job) => _service.GetQueueClient(job.Queue + PoisonSuffix);

    /// <summary>One listing of the account's queues, then the missing ones created (reading needs only Queue Data Reader).</summary>
    public async Task CreateAsync(CancellationToken ct)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var queue in _service.GetQueuesAsync(cancellationToken: ct))
        {
            existing.Add(queue.Name);
        }
        await Task.WhenAll(_names.Where(n => !existing.Contains(n)).Select(n => _service.GetQueueClient(n).CreateIfNotExistsAsync(cancellationToken: ct)));
    }

    /// <summary>Sends one message per work item, a few at a time.</summary>
    public Task SendAsync(IJob job, IEnumerable<PortfolioWork> work, CancellationToken ct)
    {
        var queue = Queue(job);
        return Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (item, token) => await queue.SendMessageAsync(item.ToMessage(), cancellationToken: token));
    }

    /// <summary>Messages waiting or in flight (approximate, as the service counts them).</summary>
    public async Task<int> CountAsync(QueueClient queue, CancellationToken ct) =>
        (await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount;
}
