using System.Runtime.Serialization;
using Tracker.Api;
using Tracker.Common;
using Tracker.Storage;

namespace Tracker.Portfolios;

/// <summary>A portfolio on the wire.</summary>
public sealed record Portfolio(
    string Id, string Name, string? Owner, string TimeZone, string Currency, UpdateRequestSettings? UpdateRequests, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record CreatePortfolioRequest : IRequestBody
{
    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? Owner { get; init; }

    public string? TimeZone { get; init; }

    public string? Currency { get; init; }

    /// <summary>Asking project owners for their progress by mail; absent or enabled false: off.</summary>
    public UpdateRequestSettings? UpdateRequests { get; init; }

    public void Validate(Validation v, DateTimeOffset now)
    {
        v.Id("id", Id)
            .Text("name", Name, 200, required: true)
            .Email("owner", Owner)
            .TimeZone("timeZone", TimeZone)
            .Currency("currency", Currency);
        if (UpdateRequests is { Enabled: true } settings)
        {
            settings.Validate(v, "updateRequests");
        }
    }
}

/// <summary>The stored row (keys: <see cref="PortfolioStore"/>).</summary>
public sealed class PortfolioEntity : TableRow
{
    public PortfolioEntity() => PartitionKey = PortfolioStore.Partition;

    /// <summary>The write that created it: a retry of that request (same Idempotency-Key) is answered with this row.</summary>
    public string? RequestId { get; set; }

    public string Name { get; set; } = "";

    public string? Owner { get; set; }

    public string TimeZone { get; set; } = "UTC";

    public string Currency { get; set; } = "EUR";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The update-request settings as JSON (<see cref="UpdateRequestSettings"/>), or null: off.</summary>
    public string? UpdateRequests { get; set; }

    [IgnoreDataMember]
    public UpdateRequestSettings? RequestSettings
    {
        get => UpdateRequestSettings.FromJson(UpdateRequests);
        set => UpdateRequests = value?.ToJson();
    }

    public Portfolio ToApi() => new(RowKey, Name, Owner, TimeZone, Currency, RequestSettings, CreatedAt, UpdatedAt);

    [IgnoreDataMember]
    public TimeZoneInfo Zone => TimeZones.TryFind(TimeZone) ?? TimeZoneInfo.Utc;
}
