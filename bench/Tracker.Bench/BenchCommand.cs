using System.Globalization;

namespace Tracker.Bench;

/// <summary>The bench/ command line: <c>dotnet run -c Release --project bench/Tracker.Bench -- updates [--count N] [--clients C] [--rounds R]</c>.</summary>
public static class BenchCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine("usage: Tracker.Bench updates [--count N=4000] [--clients C=16] [--rounds R=3]");
            Console.WriteLine("       Tracker.Bench engine");
            Console.WriteLine("       Tracker.Bench feed [--small N=10000] [--large N=100000]");
            Console.WriteLine("       Tracker.Bench job [--projects P=2000] [--updates U=50 or U1,U2 (growth)] [--rounds R=3]");
            Console.WriteLine("       Tracker.Bench fanout [--portfolios N=200] [--projects P=50] [--updates U=10] [--rounds R=2]");
            Console.WriteLine("       Tracker.Bench startup [--rounds R=5]");
            Console.WriteLine("       Tracker.Bench functions-start [--rounds R=5]");
            Console.WriteLine("       Tracker.Bench cpu [--warmup W=3000] [--count N=2000]");
            Console.WriteLine("       Tracker.Bench csv [--projects P=5000] [--updates U=20000] [--clients C=16]");
            Console.WriteLine("       Tracker.Bench load [--writers W=16] [--seconds S=60] [--projects P=8]");
            Console.WriteLine("       Tracker.Bench pages [--projects P=2000] [--days D=90] [--rounds R=30]");
            Console.WriteLine("       Tracker.Bench xlsx [--projects P1,P2=1000,5000] [--rounds R=3]");
            return args.Length == 0 ? 2 : 0;
        }
        var options = args[0] == FunctionsStartBench.ChildCommand ? [] : Options(args.Skip(1).ToArray());
        switch (args[0])
        {
            case "updates":
                await UpdatesBench.RunAsync(Get(options, "count", 4000), Get(options, "clients", 16), Get(options, "rounds", 3));
                return 0;
            case "engine":
                EngineBenchmark.Run();
                return 0;
            case "job":
                await JobBench.RunAsync(Get(options, "projects", 2000),
                    [.. (options.GetValueOrDefault("updates") ?? "50").Split(',').Select(u => int.Parse(u, CultureInfo.InvariantCulture))], Get(options, "rounds", 3));
                return 0;
            case "fanout":
                await FanoutBench.RunAsync(Get(options, "portfolios", 200), Get(options, "projects", 50), Get(options, "updates", 10), Get(options, "rounds", 2));
                return 0;
            case "functions-start":
                await FunctionsStartBench.RunAsync(Get(options, "rounds", 5));
                return 0;
            case FunctionsStartBench.ChildCommand:
                return await FunctionsStartBench.ChildAsync(args[1]);
            case "cpu":
                await CpuBench.RunAsync(Get(options, "warmup", 3000), Get(options, "count", 2000));
                return 0;
            case "startup":
                await StartupBench.RunAsync(Get(options, "rounds", 5));
                return 0;
            case "csv":
                await CsvBench.RunAsync(Get(options, "projects", 5000), Get(options, "updates", 20000), Get(options, "clients", 16));
                return 0;
            case "load":
                await LoadBench.RunAsync(Get(options, "writers", 16), Get(options, "seconds", 60), Get(options, "projects", 8));
                return 0;
            case "xlsx":
                await XlsxBench.RunAsync([.. (options.GetValueOrDefault("projects") ?? "1000,5000").Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture))],
                    Get(options, "rounds", 3));
                return 0;
            case "pages":
                await PageBench.RunAsync(Get(options, "projects", 2000), Get(options, "days", 90), Get(options, "rounds", 30));
                return 0;
            case "feed":
                await FeedBench.RunAsync(Get(options, "small", 10_000), Get(options, "large", 100_000), Get(options, "rounds", 3));
                return 0;
            default:
                Console.Error.WriteLine($"unknown benchmark '{args[0]}'; known: updates, engine, job, fanout, feed, startup, functions-start, cpu, load, csv, pages, xlsx");
                return 2;
        }
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }
        return options;
    }

    private static int Get(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
