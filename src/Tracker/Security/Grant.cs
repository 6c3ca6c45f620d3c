using System.Runtime.Serialization;
using Tracker.Api;
using Tracker.Common;
using Tracker.Storage;

namespace Tracker.Security;

/// <summary>Whose grant: an Entra user (its <c>oid</c>) or a group (an id in the token's <c>groups</c>).</summary>
public enum PrincipalType
{
    User,
    Group,
}

/// <summary>
/// A grant limits an Entra user or group to some portfolios, as a scoped key is limited; the role comes from the
/// token's app roles. A principal with grants sees the union of their portfolios; one without any sees all.
/// </summary>
public sealed record Grant(
    string Id, string PrincipalId, PrincipalType PrincipalType, string? Name, IReadOnlyList<string> Portfolios, DateTimeOffset CreatedAt,
    string CreatedBy, DateTimeOffset? RevokedAt);

public sealed record CreateGrantRequest : IRequestBody
{
    /// <summary>The object id of the user (oid) or group.</summary>
    public string? PrincipalId { get; init; }

    public PrincipalType? PrincipalType { get; init; }

    /// <summary>A label for people reading the list (the user's or group's display name).</summary>
    public string? Name { get; init; }

    public IReadOnlyList<string>? Portfolios { get; init; }

    public void Validate(Validation v, DateTimeOffset now) => v
        .Require(Guid.TryParse(PrincipalId, out _), "principalId", "principalId must be the object id (a GUID) of an Entra user or group.")
        .Require(PrincipalType is not null, "principalType", "principalType is required: user or group.")
        .Text("name", Name, 200)
        .Require(Portfolios is { Count: > 0 and <= 100 }, "portfolios", "portfolios must list 1 to 100 portfolio ids.")
        .Require(Portfolios is null || Portfolios.All(Ids.IsValid), "portfolios", "every portfolio id must be 1-63 characters of a-z, 0-9 and '-'.");
}

/// <summary>The stored row (keys: <see cref="GrantStore"/>).</summary>
public sealed class GrantEntity : TableRow
{
    public GrantEntity() => PartitionKey = GrantStore.Partition;

    public string PrincipalId { get; set; } = "";

    public string PrincipalType { get; set; } = "";

    public string? Name { get; set; }

    /// <summary>Comma-separated portfolio ids.</summary>
    public string Portfolios { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset? RevokedAt { get; set; }

    [IgnoreDataMember]
    public IReadOnlyList<string> PortfolioList => Portfolios.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public Grant ToApi() => new(
        Id: RowKey,
        PrincipalId: PrincipalId,
        PrincipalType: TrackerJson.Parse<PrincipalType>(PrincipalType) ?? Security.PrincipalType.User,
        Name: Name,
        Portfolios: PortfolioList,
        CreatedAt: CreatedAt,
        CreatedBy: CreatedBy,
        RevokedAt: RevokedAt);
}
