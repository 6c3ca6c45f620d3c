using Tracker.Server;

var app = TrackerServer.Build(args);
await app.RunAsync();
