// ODL 8 represents Edm.Date as Microsoft.OData.Edm.Date (obsolete only in view of ODL 9, which uses DateOnly).
#pragma warning disable CS0618
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;
using Tracker.Baselines;
using Tracker.Feed;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Storage;

namespace Tracker.Tests.Feed;

/// <summary>
/// The feed's own JSON writer against Microsoft's ODataJsonWriter, the reference: for every entity set of the real
/// model, with and without $select, count and next link, rows of random values of each EDM type (strings over all of
/// Unicode, doubles from random bit patterns, decimals of every scale, instants to the tick in UTC and with offsets,
/// days) and nulls are written by both, and the bytes must be identical.
/// </summary>
public sealed class FeedJsonWriterTests
{
    private static readonly Uri Root = new("https://tracker.example.com/api/odata/");

    private static readonly FeedModel Model = CreateModel();

    public static TheoryData<string, string?> Queries => new()
    {
        { "Portfolios", null },
        { "Projects", null },
        { "Projects", "Budget,ProjectKey,Name" },
        { "Updates", null },
        { "Updates", "Note,Id,Note,ReportedAt" },
        { "ProjectSnapshots", null },
        { "PortfolioSnapshots", null },
        { "PortfolioSnapshots", "DateSK" },
        { "Baselines", null },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task RandomRowsAreWrittenByteForByteAsTheODataWriterWritesThem(string setName, string? select)
    {
        var set = Model.Find(setName)!;
        var query = Parse(set, select);
        var random = new Random(set.Properties.Count * 31 + (select?.Length ?? 0));
        var rows = Enumerable.Range(0, 1500).Select(_ => RandomRow(set, random)).ToList();
        foreach (var (count, next) in new (long?, Uri?)[] { (null, null), (123_456, new Uri(Root, set.Name + "?$skiptoken=a%2Bb%2F%3D&$filter=Id%20eq%20%27x%27")) })
        {
            var expected = WriteWithOData(query, rows, count, next);
            var actual = await WriteWithFeedWriterAsync(query, rows, count, next);
            Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(actual));
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public async Task EdgeValuesOfEachTypeAreWrittenAsTheODataWriterWritesThem()
    {
        var set = new FeedSet("Values", "Value", null,
        [
            new("Id", EdmPrimitiveTypeKind.String, false, _ => null), new("D", EdmPrimitiveTypeKind.Double, true, _ => null),
            new("M", EdmPrimitiveTypeKind.Decimal, true, _ => null), new("I", EdmPrimitiveTypeKind.DateTimeOffset, true, _ => null),
            new("Y", EdmPrimitiveTypeKind.Date, true, _ => null), new("N", EdmPrimitiveTypeKind.Int32, true, _ => null),
            new("B", EdmPrimitiveTypeKind.Boolean, true, _ => null),
        ], ["Id"], new Dictionary<string, KeyRole>());
        var utc = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        List<object?[]> rows =
        [
            ["a<b>&'é\u0001\"\\/\t\u2028😀\ud800x\udc00", 0.1, 250m, utc, new Date(2026, 1, 2), 5, true],
            ["", 1.0, 0.5m, utc.AddTicks(1_234_567), new Date(1, 1, 1), -7, false],
            ["中文", 1e20, 1234567.891m, utc.ToOffset(TimeSpan.FromHours(1)).AddTicks(1000), new Date(9999, 12, 31), int.MinValue, null],
            ["NaN", double.NaN, 1e-7m, DateTimeOffset.MinValue, null, int.MaxValue, null],
            ["INF", double.PositiveInfinity, 12345678901234567890.5m, DateTimeOffset.MaxValue, null, 0, null],
            ["-INF", double.NegativeInfinity, 100.000m, utc.ToOffset(TimeSpan.FromMinutes(-570)), null, null, null],
            ["-0", -0.0, -3m, utc.AddTicks(10), null, null, null],
            ["small", 3.5e-320, decimal.MaxValue, utc.AddMilliseconds(500), null, null, null],
            ["large", double.MaxValue, decimal.MinValue, null, null, null, null],
            ["integral", 123456789012.0, 0m, null, null, null, null],
            ["exponent", 1e-7, -0.000m, null, null, null, null],
        ];
        var query = new FeedQuery(set, null, null, null, null, null, false, null, "", new Dictionary<string, string>());
        var model = SingleSetModel(set);
        var expected = WriteWithOData(query, rows, 11, null, model);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(await WriteWithFeedWriterAsync(query, rows, 11, null)));
    }

    private static async Task<byte[]> WriteWithFeedWriterAsync(FeedQuery query, List<object?[]> rows, long? count, Uri? next)
    {
        using var body = new MemoryStream();
        await using (var writer = new FeedJsonWriter(body, query.Set, query.Columns()))
        {
            writer.WriteStart(FeedJsonWriter.ContextUrl(Root, query), count);
            foreach (var row in rows)
            {
                writer.WriteRow(row);
                if (writer.Pending > 4096)
                {
                    await writer.FlushAsync(CancellationToken.None);
                }
            }
            writer.WriteEnd(next);
            await writer.FlushAsync(CancellationToken.None);
        }
        return body.ToArray();
    }

    /// <summary>What the feed wrote before it had its own writer: ODataMessageWriter with the server's settings.</summary>
    private static byte[] WriteWithOData(FeedQuery query, List<object?[]> rows, long? count, Uri? next, IEdmModel? edm = null)
    {
        edm ??= Model.Model;
        var entitySet = edm.EntityContainer.FindEntitySet(query.Set.Name);
        var message = new Message();
        var settings = new ODataMessageWriterSettings
        {
            BaseUri = Root,
            ODataUri = new ODataUri { ServiceRoot = Root, SelectAndExpand = query.Select, Path = new ODataPath(new EntitySetSegment(entitySet)) },
            Version = ODataVersion.V4,
            EnableMessageStreamDisposal = false,
        };
        using var messageWriter = new ODataMessageWriter(message, settings, edm);
        var writer = messageWriter.CreateODataResourceSetWriter(entitySet, entitySet.EntityType);
        var resourceSet = new ODataResourceSet { Count = count };
        writer.WriteStart(resourceSet);
        var columns = query.Columns();
        foreach (var row in rows)
        {
            writer.WriteStart(new ODataResource
            {
                TypeName = entitySet.EntityType.FullName(),
                Properties = [.. columns.Select(c => new ODataProperty { Name = query.Set.Properties[c].Name, Value = row[c] })],
            });
            writer.WriteEnd();
        }
        resourceSet.NextPageLink = next;
        writer.WriteEnd();
        writer.Flush();
        Assert.Equal(FeedJsonWriter.ContentType, message.GetHeader("Content-Type"));
        return message.Body.ToArray();
    }

    private static FeedQuery Parse(FeedSet set, string? select)
    {
        var options = new Dictionary<string, StringValues>();
        if (select is not null)
        {
            options["$select"] = select;
        }
        return FeedQuery.Parse(Model, set, Root, new QueryCollection(options));
    }

    private static object?[] RandomRow(FeedSet set, Random random) =>
        [.. set.Properties.Select(p => p.Nullable && random.Next(6) == 0 ? null : RandomValue(p.Kind, random))];

    private static object RandomValue(EdmPrimitiveTypeKind kind, Random random) => kind switch
    {
        EdmPrimitiveTypeKind.String => RandomText(random),
        EdmPrimitiveTypeKind.Double => random.Next(3) switch
        {
            0 => BitConverter.Int64BitsToDouble(random.NextInt64()),
            1 => Math.Round(random.NextDouble() * 200 - 50, random.Next(0, 6)),
            _ => (double)random.Next(-1000, 1000),
        },
        EdmPrimitiveTypeKind.Decimal => new decimal(random.Next(), random.Next(), random.Next(), random.Next(2) == 0, (byte)random.Next(0, 29)),
        EdmPrimitiveTypeKind.DateTimeOffset => RandomInstant(random),
        EdmPrimitiveTypeKind.Date => new Date(random.Next(1, 10000), random.Next(1, 13), random.Next(1, 29)),
        EdmPrimitiveTypeKind.Int32 => random.Next(int.MinValue, int.MaxValue),
        EdmPrimitiveTypeKind.Boolean => random.Next(2) == 0,
        _ => throw new InvalidOperationException(kind.ToString()),
    };

    /// <summary>To the tick, the millisecond or the second; in UTC (as storage returns them) or, one in four, at an offset.</summary>
    private static DateTimeOffset RandomInstant(Random random)
    {
        var ticks = random.NextInt64(new DateTime(2000, 1, 1).Ticks, new DateTime(2100, 1, 1).Ticks);
        ticks -= ticks % (random.Next(3) switch { 0 => 1, 1 => TimeSpan.TicksPerMillisecond, _ => TimeSpan.TicksPerSecond });
        var offset = random.Next(4) == 0 ? TimeSpan.FromMinutes(random.Next(-14 * 4, 14 * 4 + 1) * 15) : TimeSpan.Zero;
        return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
    }

    /// <summary>Mostly ASCII, with any UTF-16 code unit (lone surrogates included) and whole surrogate pairs mixed in.</summary>
    private static string RandomText(Random random)
    {
        var text = new System.Text.StringBuilder();
        for (var i = random.Next(0, 30); i > 0; i--)
        {
            switch (random.Next(5))
            {
                case 0:
                    text.Append((char)random.Next(0, 0x10000));
                    break;
                case 1:
                    text.Append(char.ConvertFromUtf32(random.Next(0x10000, 0x110000)));
                    break;
                case 2:
                    text.Append((char)random.Next(0, 0x80));
                    break;
                default:
                    text.Append((char)random.Next('a', 'z' + 1));
                    break;
            }
        }
        return text.ToString();
    }

    private static FeedModel CreateModel()
    {
        // The stores only name their tables here: nothing in these tests calls storage.
        var tables = new TrackerTables(Options.Create(new StorageOptions { ConnectionString = "UseDevelopmentStorage=true" }), []);
        return new FeedModel(Options.Create(new BaselineOptions()), new PortfolioStore(tables), new ProjectStore(tables), new UpdateStore(tables),
            new ProjectSnapshotStore(tables), new PortfolioSnapshotStore(tables));
    }

    private static IEdmModel SingleSetModel(FeedSet set)
    {
        var model = new EdmModel();
        var container = new EdmEntityContainer(FeedModel.Namespace, "Container");
        model.AddElement(container);
        var type = new EdmEntityType(FeedModel.Namespace, set.EntityType);
        foreach (var p in set.Properties)
        {
            var property = type.AddStructuralProperty(p.Name, p.Kind, p.Nullable);
            if (set.Keys.Contains(p.Name))
            {
                type.AddKeys(property);
            }
        }
        model.AddElement(type);
        container.AddEntitySet(set.Name, type);
        return model;
    }

    private sealed class Message : IODataResponseMessage
    {
        private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);

        public MemoryStream Body { get; } = new();

        public IEnumerable<KeyValuePair<string, string>> Headers => _headers;

        public int StatusCode { get; set; }

        public string? GetHeader(string headerName) => _headers.GetValueOrDefault(headerName);

        public void SetHeader(string headerName, string headerValue) => _headers[headerName] = headerValue;

        public Stream GetStream() => Body;
    }
}
