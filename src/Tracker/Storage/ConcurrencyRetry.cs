
namespace Tracker.Storage;

/// <summary>
/// The one retry policy for optimistic concurrency: when a conditional write meets a change made since the read
/// (<see cref="ChangedSinceReadException"/>), wait a little (jittered, growing to 50 ms), read again and redo, up to
/// <see cref="MaxAttempts"/> times. It sits above the SDK's own retries, which cover transient failures only.
/// </summary>
public static class ConcurrencyRetry
{
    public const int MaxAttempts = 30;

    /// <param name="attempt">reads, changes and writes once; gets the attempt number (1 first).</param>
    public static async Task<T> RunAsync<T>(Func<int, Task<T>> attempt, TimeProvider time, CancellationToken ct)
    {
        for (var n = 1; ; n++)
        {
            try
            {
                return await attempt(n);
            }
            catch (ChangedSinceReadException) when (n < MaxAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, 5 * Math.Min(n, 10))), time, ct);
            }
        }
    }
}
