using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;
using Tracker.Storage;

namespace Tracker.Dashboard;

/// <summary>
/// A signed-in browser: which key it signed in with (its id and a fingerprint, never the key) or which Entra ID
/// person (their object id, name, role and groups, and a fingerprint of the grants that applied), until when. The
/// browser holds only a random session id in a cookie; the table holds its SHA-256, so reading the table does not
/// give anyone a session.
/// </summary>
public sealed class SessionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = SessionStore.Row;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string KeyId { get; set; } = "";

    public string Fingerprint { get; set; } = "";

    /// <summary>A person signed in with Entra ID: their name, role and groups from the ID token (null for a key's session).</summary>
    public string? Name { get; set; }

    public string? Role { get; set; }

    public string? Groups { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    [IgnoreDataMember]
    public string Digest => PartitionKey;
}

/// <summary>The WebSessions table (the dashboard's sign-ins): a partition per session (its id's digest), point reads only.</summary>
public sealed class SessionStore(TrackerTables tables) : TableStore<SessionEntity>(tables, Name)
{
    public const string Name = "WebSessions";

    public const string Row = "session";

    public Task<SessionEntity?> FindAsync(string digest, CancellationToken ct) => ReadRowAsync(digest, Row, ct);

    public Task AddAsync(SessionEntity entity, CancellationToken ct) => UpsertRowAsync(entity, ct);

    public Task EndAsync(string digest, CancellationToken ct) => DeleteAsync(digest, Row, ETag.All, "The session", ct);
}
