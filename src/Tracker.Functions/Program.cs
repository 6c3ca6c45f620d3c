using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Tracker.Functions;

await FunctionsApplication.CreateBuilder(args).Configure().Build().RunAsync();
