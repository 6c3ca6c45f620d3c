using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Tracker.Api;

namespace Tracker.Functions;

/// <summary>
/// The worker's last line: an exception that escapes an HTTP function (its handler's pipeline already maps every
/// failure it knows) is logged and answered with the same ProblemDetails 500 the server gives, without internals.
/// Timer invocations rethrow, so the host records them as failed.
/// </summary>
public sealed partial class UnhandledFailureMiddleware(ILogger<UnhandledFailureMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (context.GetHttpContext() is { Response.HasStarted: false } http)
        {
            LogUnhandled(e, context.FunctionDefinition.Name);
            context.GetInvocationResult().Value = ApiResponse.Problem(Problems.Unexpected(), http.Request.Path.Value ?? "");
        }
    }

    [LoggerMessage(LogLevel.Error, "Unhandled failure in function {Function}")]
    private partial void LogUnhandled(Exception exception, string function);
}
