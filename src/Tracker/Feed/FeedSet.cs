using Azure.Data.Tables;
using Microsoft.OData.Edm;
using Tracker.Storage;

namespace Tracker.Feed;

/// <summary>One column of an entity set: its EDM type, and how it is read from a stored row.</summary>
public sealed record FeedProperty(string Name, EdmPrimitiveTypeKind Kind, bool Nullable, Func<TableEntity, object?> Read, params string[] Columns);

/// <summary>Which stored key a property maps to, for pushing filters down to key ranges.</summary>
public enum KeyRole
{
    None,
    /// <summary>The portfolio id, the partition key or its prefix.</summary>
    Portfolio,
    /// <summary>A day (Date or DateSK) stored as yyyymmdd in a key.</summary>
    Day,
    /// <summary>Update time: RowKeys of Updates are inverted reportedAt ticks.</summary>
    ReportedAt,
    /// <summary>The UTC day (yyyymmdd) of the update time: a range of whole days of ReportedAt.</summary>
    ReportedDay,
    /// <summary>The RowKey itself (an id).</summary>
    RowKey,
    /// <summary>The whole PartitionKey.</summary>
    PartitionKey,
}

/// <summary>An entity set of the feed: its store (or in-memory rows), its columns, keys and key mapping.</summary>
public sealed class FeedSet
{
    private readonly Dictionary<string, int> _index;

    public FeedSet(string name, string entityType, IFeedSource? source, IReadOnlyList<FeedProperty> properties, string[] keys,
        IReadOnlyDictionary<string, KeyRole> keyRoles, Func<IEnumerable<object?[]>>? inMemory = null, string scopeProperty = FeedNames.PortfolioId)
    {
        ScopeProperty = scopeProperty;
        Name = name;
        EntityType = entityType;
        Source = source;
        Properties = properties;
        Keys = keys;
        KeyRoles = keyRoles;
        InMemory = inMemory;
        _index = properties.Select((p, i) => (p.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
    }

    public string Name { get; }

    public string EntityType { get; }

    /// <summary>The property holding the portfolio a row belongs to: what a key limited to some portfolios is checked against.</summary>
    public string ScopeProperty { get; }

    /// <summary>The index of <see cref="ScopeProperty"/> in a row, or -1 when the set has none.</summary>
    public int ScopeColumn => _index.GetValueOrDefault(ScopeProperty, -1);

    /// <summary>The store of the table behind the set; null for sets served from memory (Baselines).</summary>
    public IFeedSource? Source { get; }

    public IReadOnlyList<FeedProperty> Properties { get; }

    public string[] Keys { get; }

    public IReadOnlyDictionary<string, KeyRole> KeyRoles { get; }

    public Func<IEnumerable<object?[]>>? InMemory { get; }

    public int IndexOf(string property) => _index[property];

    public object?[] ToRow(TableEntity entity)
    {
        var row = new object?[Properties.Count];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = Properties[i].Read(entity);
        }
        return row;
    }
}
