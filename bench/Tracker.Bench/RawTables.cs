using Azure.Data.Tables;
using Tracker.Metrics;
using Tracker.Portfolios;

namespace Tracker.Bench;

/// <summary>Bare SDK clients of the product's tables (named by their stores), for the raw baselines the benchmarks compare with.</summary>
public sealed class RawTables(string connectionString)
{
    private readonly TableServiceClient _service = new(connectionString);

    public TableClient Projects => _service.GetTableClient(ProjectStore.Name);

    public TableClient Updates => _service.GetTableClient(UpdateStore.Name);

    public TableClient ProjectSnapshots => _service.GetTableClient(ProjectSnapshotStore.Name);

    public TableClient PortfolioSnapshots => _service.GetTableClient(PortfolioSnapshotStore.Name);
}
