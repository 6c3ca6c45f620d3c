using System.Runtime.Serialization;
using Tracker.Api;
using Tracker.Common;
using Tracker.Storage;

namespace Tracker.Security;

/// <summary>An API key as clients see it. <see cref="Key"/> is only set in the answer to its creation.</summary>
public sealed record ApiKey(
    string Id, string Name, Role Role, IReadOnlyList<string>? Portfolios, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public string? Key { get; init; }

    /// <summary>Who created the key: the creating key's name or the signed-in user (absent for keys older than this field).</summary>
    public string? CreatedBy { get; init; }
}

public sealed record CreateApiKeyRequest : IRequestBody
{
    public string? Name { get; init; }

    public Role? Role { get; init; }

    public IReadOnlyList<string>? Portfolios { get; init; }

    public void Validate(Validation v, DateTimeOffset now)
    {
        v.Text("name", Name, 100, required: true)
            .Require(Role is not null, "role", "role is required: reader, writer or admin.");
        if (Portfolios is not null)
        {
            v.Require(Portfolios.Count is > 0 and <= 100, "portfolios", "portfolios must list 1 to 100 portfolio ids, or be left out for all portfolios.");
            v.Require(Portfolios.All(Ids.IsValid), "portfolios", "every portfolio id must be 1-63 characters of a-z, 0-9 and '-'.");
        }
    }
}

/// <summary>The stored row (keys: <see cref="ApiKeyStore"/>); the secret only as salt and hash.</summary>
public sealed class ApiKeyEntity : TableRow
{
    public ApiKeyEntity() => PartitionKey = ApiKeyStore.Partition;

    public string Name { get; set; } = "";

    public string Role { get; set; } = "";

    /// <summary>Comma-separated portfolio ids; null or empty for every portfolio.</summary>
    public string? Portfolios { get; set; }

    public byte[] Salt { get; set; } = [];

    public byte[] SecretHash { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? CreatedBy { get; set; }

    [IgnoreDataMember]
    public IReadOnlyList<string>? PortfolioList =>
        string.IsNullOrEmpty(Portfolios) ? null : Portfolios.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public ApiKey ToApi() =>
        new(RowKey, Name, TrackerJson.Parse<Role>(Role) ?? Api.Role.Reader, PortfolioList, CreatedAt, RevokedAt) { CreatedBy = CreatedBy };
}
