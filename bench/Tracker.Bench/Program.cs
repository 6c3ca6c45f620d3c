using Tracker.Bench;

return await BenchCommand.RunAsync(args);
