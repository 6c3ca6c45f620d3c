
namespace Tracker.Storage;

/// <summary>
/// What a store reports, in the domain's terms. Stores never speak HTTP: the request pipeline maps each of these to
/// ProblemDetails in one place (<c>Api/RequestPipeline</c>), and jobs decide for themselves what they mean.
/// </summary>
public abstract class StoreException(string message) : Exception(message);

/// <summary>The row asked for is not there.</summary>
public sealed class NotFoundException(string message) : StoreException(message);

/// <summary>A row with that key exists already.</summary>
public sealed class AlreadyExistsException(string message) : StoreException(message);

/// <summary>The row changed (or went) since it was read: its ETag no longer matches, and nothing was written.</summary>
public sealed class ChangedSinceReadException(string message) : StoreException(message);
