using System.Reflection;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Tracker.Storage;

namespace Tracker.Tests.Unit;

/// <summary>
/// The rules of docs/architecture.md, checked on the code itself: one store per table that alone touches it and knows
/// its keys, and no dependency of the shared layers (Api, Common, Storage) on a feature.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly Assembly Product = typeof(TableStore<>).Assembly;

    private static readonly string Source = Path.Combine(Testing.RepoRoot.Find(), "src");

    private static readonly string[] SharedLayers = ["Api", "Common", "Storage"];

    /// <summary>Files where an OData entity set or an OpenAPI tag shares a table's name: wire names, not storage.</summary>
    private static readonly string[] WireNameFiles = [Path.Combine("Tracker", "Feed", "FeedModel.cs"), Path.Combine("Tracker.Server", "OpenApi.cs")];

    private static IEnumerable<Type> Stores() =>
        Product.GetTypes().Where(t => !t.IsAbstract && typeof(ITableStore).IsAssignableFrom(t));

    private static string TableNameOf(Type store) => (string)store.GetField("Name", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    private static IEnumerable<string> SourceFiles(string under) =>
        Directory.EnumerateFiles(under, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [Fact]
    public void EveryTableHasExactlyOneStore()
    {
        var names = Stores().Select(TableNameOf).ToList();
        Assert.Equal(15, names.Count);
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(Stores(), s => Assert.True(s.BaseType is { IsGenericType: true } b
            && (b.GetGenericTypeDefinition() == typeof(TableStore<>) || b.GetGenericTypeDefinition() == typeof(FeedSourceStore<>)), s.Name));
    }

    [Fact]
    public void OnlyStoresHoldATableClient()
    {
        var tableTypes = new[] { typeof(TrackerTables), typeof(TableClient), typeof(TableServiceClient) };
        var holders = Product.GetTypes()
            .Where(t => t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance).SelectMany(c => c.GetParameters()).Any(p => tableTypes.Contains(p.ParameterType))
                || t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static).Any(f => tableTypes.Contains(f.FieldType))
                || t.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static).Any(p => tableTypes.Contains(p.PropertyType)))
            // TrackerTables itself (and its compiler-made state machines), and StorageInitializer, which only asks it for the
            // names of the tables that exist, so that a start creates just the missing ones: neither reads a table's rows.
            .Where(t => !typeof(ITableStore).IsAssignableFrom(t) && t != typeof(TrackerTables) && t.DeclaringType != typeof(TrackerTables)
                && t != typeof(StorageInitializer))
            .Select(t => t.FullName)
            .ToList();
        Assert.Empty(holders);
    }

    [Fact]
    public void NoTableNameAppearsOutsideItsStore()
    {
        var offences = new List<string>();
        foreach (var store in Stores())
        {
            var literal = "\"" + TableNameOf(store) + "\"";
            foreach (var file in SourceFiles(Source))
            {
                var relative = Path.GetRelativePath(Source, file);
                if (Path.GetFileNameWithoutExtension(file) == store.Name || (store.Name == "IdempotencyStore" && relative.EndsWith("Idempotency.cs", StringComparison.Ordinal))
                    || WireNameFiles.Contains(relative))
                {
                    continue;
                }
                if (File.ReadAllText(file).Contains(literal, StringComparison.Ordinal))
                {
                    offences.Add($"{relative}: {literal}");
                }
            }
        }
        Assert.Empty(offences);
    }

    /// <summary>Key formats — separators, padded inverted ticks, day keys — are written only by stores.</summary>
    [Fact]
    public void NoKeyFormatAppearsOutsideAStore()
    {
        var storeFiles = Stores().Select(s => s.Name + ".cs").Append("Idempotency.cs").Append("SnapshotEntities.cs").ToHashSet(StringComparer.Ordinal);
        var offences = new List<string>();
        var roots = new[] { Source, Path.Combine(Testing.RepoRoot.Find(), "bench") };
        foreach (var file in roots.SelectMany(SourceFiles).Where(f => !storeFiles.Contains(Path.GetFileName(f))))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (KeyFormat().IsMatch(lines[i]))
                {
                    offences.Add($"{Path.GetFileName(file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }
        Assert.Empty(offences);
    }

    [Fact]
    public void SharedLayersDependOnNoFeature()
    {
        var product = Path.Combine(Source, "Tracker");
        var features = Directory.GetDirectories(product).Select(Path.GetFileName)
            .Where(d => d is not ("bin" or "obj") && !SharedLayers.Contains(d)).ToList();
        Assert.Contains("Portfolios", features);
        var offences = new List<string>();
        foreach (var layer in SharedLayers)
        {
            foreach (var file in SourceFiles(Path.Combine(product, layer)))
            {
                var text = File.ReadAllText(file);
                foreach (var feature in features)
                {
                    var types = string.Join("|", Product.GetTypes().Where(t => t.Namespace == "Tracker." + feature && !t.Name.Contains('<', StringComparison.Ordinal))
                        .Select(t => Regex.Escape(t.Name.Split('`')[0])));
                    if (Regex.IsMatch(text, $@"\busing Tracker\.{feature};|\bTracker\.{feature}\.|[^.\w]{feature}\.({types})\b"))
                    {
                        offences.Add($"{layer}/{Path.GetFileName(file)} uses {feature}");
                    }
                }
            }
        }
        // Common is the bottom layer: it uses neither Api nor Storage.
        foreach (var file in SourceFiles(Path.Combine(product, "Common")))
        {
            if (Regex.IsMatch(File.ReadAllText(file), @"\busing Tracker\.(Api|Storage);"))
            {
                offences.Add($"Common/{Path.GetFileName(file)} uses a layer above it");
            }
        }
        Assert.Empty(offences);
    }

    /// <summary>
    /// Which module of src/Tracker may use which other module, besides the shared layers (Api, Common, Storage) that
    /// every module may use. Arrows run one way: the list has no cycle (checked), and a use missing from it fails,
    /// as does an arrow no code uses any more. docs/architecture.md draws this list.
    /// </summary>
    private static readonly (string Module, string[] Uses)[] AllowedUses =
    [
        ("Baselines", []),
        ("Schedules", []),
        ("Mail", []),
        ("Jobs", []),
        ("Portfolios", ["Schedules"]),
        ("Security", ["Mail"]),
        ("Spreadsheets", ["Portfolios"]),
        ("Health", ["Portfolios"]),
        ("Metrics", ["Baselines", "Jobs", "Portfolios"]),
        ("Feed", ["Baselines", "Metrics", "Portfolios"]),
        ("Digests", ["Jobs", "Mail", "Metrics", "Portfolios", "Schedules"]),
        ("UpdateRequests", ["Jobs", "Mail", "Metrics", "Portfolios", "Schedules"]),
        ("Demo", ["Digests", "Jobs", "Metrics", "Portfolios", "UpdateRequests"]),
        ("Dashboard", ["Metrics", "Portfolios", "Security", "Spreadsheets", "UpdateRequests"]),
    ];

    [Fact]
    public void ModulesUseOnlyTheModulesTheListAllows()
    {
        var product = Path.Combine(Source, "Tracker");
        var modules = Directory.GetDirectories(product).Select(d => Path.GetFileName(d)!)
            .Where(d => d is not ("bin" or "obj") && !SharedLayers.Contains(d)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(modules, AllowedUses.Select(a => a.Module).Order(StringComparer.Ordinal));
        var actual = modules.SelectMany(m => ModuleUses(product, m, modules).Select(used => $"{m} -> {used}")).ToHashSet();
        var allowed = AllowedUses.SelectMany(a => a.Uses.Select(used => $"{a.Module} -> {used}")).ToHashSet();
        Assert.Empty(actual.Except(allowed).Order(StringComparer.Ordinal).Select(u => $"{u} is not allowed"));
        Assert.Empty(allowed.Except(actual).Order(StringComparer.Ordinal).Select(u => $"{u} is allowed but unused: drop it from the list"));
    }

    [Fact]
    public void TheAllowedUsesHaveNoCycle()
    {
        var uses = AllowedUses.ToDictionary(a => a.Module, a => a.Uses);
        var done = new HashSet<string>();
        foreach (var (module, _) in AllowedUses)
        {
            Visit(module, []);
        }

        void Visit(string module, List<string> path)
        {
            Assert.False(path.Contains(module), "cycle: " + string.Join(" -> ", path.Append(module)));
            if (done.Contains(module))
            {
                return;
            }
            foreach (var used in uses[module])
            {
                Visit(used, [.. path, module]);
            }
            done.Add(module);
        }
    }

    /// <summary>
    /// The modules a module's files name: a using directive, a qualified name (<c>Tracker.Mail.X</c>, or <c>Mail.X</c>
    /// from inside the Tracker namespace) or, in Razor files, an @using.
    /// </summary>
    private static IEnumerable<string> ModuleUses(string product, string module, IReadOnlyList<string> modules)
    {
        var texts = Directory.EnumerateFiles(Path.Combine(product, module), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Select(File.ReadAllText).ToList();
        foreach (var other in modules.Where(m => m != module))
        {
            var types = string.Join("|", Product.GetTypes().Where(t => t.Namespace == "Tracker." + other && !t.Name.Contains('<', StringComparison.Ordinal))
                .Select(t => Regex.Escape(t.Name.Split('`')[0])).Distinct());
            var pattern = $@"\busing Tracker\.{other};|@using Tracker\.{other}\b|\bTracker\.{other}\.|[^.\w]{other}\.({types})\b";
            if (texts.Any(text => Regex.IsMatch(text, pattern)))
            {
                yield return other;
            }
        }
    }

    /// <summary>
    /// A constructor call with more than eight arguments (a record of many positional fields, mostly) names every
    /// argument, so that two numbers of the same type cannot swap places unnoticed. Parsed with Roslyn, over src/.
    /// </summary>
    [Fact]
    public void ConstructorCallsWithMoreThanEightArgumentsNameThem()
    {
        var offences = new List<string>();
        foreach (var file in SourceFiles(Source))
        {
            var root = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            foreach (var creation in root.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.BaseObjectCreationExpressionSyntax>())
            {
                if (creation.ArgumentList is { Arguments.Count: > 8 } arguments && arguments.Arguments.Any(a => a.NameColon is null))
                {
                    var line = creation.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                    offences.Add($"{Path.GetRelativePath(Source, file)}:{line}: {arguments.Arguments.Count} arguments, not all named");
                }
            }
        }
        Assert.True(offences.Count == 0, string.Join(Environment.NewLine, offences));
    }

    /// <summary>A '|' key separator, a 19-digit tick pad or a yyyyMMdd day key written by hand.</summary>
    [GeneratedRegex("""'\|'|"\|"|\+ ?"\||\|\{|"D19"|"yyyyMMdd"|\$"\{[^}]+\}\|""")]
    private static partial Regex KeyFormat();
}
