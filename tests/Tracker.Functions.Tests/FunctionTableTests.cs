using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Tracker.Api;
using Tracker.Functions;

namespace Tracker.Functions.Tests;

/// <summary>By reflection: the Functions host has exactly one function per route and per job of the shared tables.</summary>
public sealed class FunctionTableTests
{
    private static readonly Type[] FunctionClasses = [typeof(ApiFunctions), typeof(JobFunctions)];

    private static IReadOnlyList<(MethodInfo Method, string Name)> Functions() =>
        [.. FunctionClasses.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<FunctionAttribute>()))
            .Where(f => f.Attribute is not null)
            .Select(f => (f.Method, f.Attribute!.Name))];

    private static HttpTriggerAttribute? HttpTrigger(MethodInfo method) =>
        method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null);

    private static TimerTriggerAttribute? TimerTrigger(MethodInfo method) =>
        method.GetParameters().Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(a => a is not null);

    private static QueueTriggerAttribute? QueueTrigger(MethodInfo method) =>
        method.GetParameters().Select(p => p.GetCustomAttribute<QueueTriggerAttribute>()).FirstOrDefault(a => a is not null);

    [Fact]
    public void EveryRouteHasExactlyOneFunctionWithItsRouteAndVerb()
    {
        foreach (var route in RouteTable.All.Concat(RouteTable.Pages))
        {
            var matches = Functions().Where(f => HttpTrigger(f.Method) is { } t && t.Route == route.HostTemplate
                && (t.Methods ?? []).Any(m => string.Equals(m, route.Method, StringComparison.OrdinalIgnoreCase))).ToList();
            Assert.True(matches.Count == 1, $"{route.Method} {route.Template}: {matches.Count} functions");
            Assert.Equal(route.Name, matches[0].Name);
            Assert.Equal(AuthorizationLevel.Anonymous, HttpTrigger(matches[0].Method)!.AuthLevel);
            Assert.Single(HttpTrigger(matches[0].Method)!.Methods!);
        }
        Assert.Equal(RouteTable.All.Count + RouteTable.Pages.Count + 1, Functions().Count(f => HttpTrigger(f.Method) is not null)); // and the catch-all
    }

    [Fact]
    public void EveryJobHasOneTimerFunctionOnItsScheduleSetting()
    {
        foreach (var (name, setting, _) in JobTable.All)
        {
            var timer = Assert.Single(Functions(), f => f.Name == name);
            Assert.Equal($"%{setting}%", TimerTrigger(timer.Method)!.Schedule);
        }
        Assert.Equal(JobTable.All.Count, Functions().Count(f => TimerTrigger(f.Method) is not null));
    }

    [Fact]
    public void EveryJobHasOneQueueFunctionOnItsQueue()
    {
        foreach (var (name, _, queue) in JobTable.All)
        {
            var work = Assert.Single(Functions(), f => QueueTrigger(f.Method)?.QueueName == queue);
            Assert.Equal(name + "Work", work.Name);
            Assert.Equal(JobFunctions.QueueConnection, QueueTrigger(work.Method)!.Connection);
        }
        Assert.Equal(JobTable.All.Count, Functions().Count(f => QueueTrigger(f.Method) is not null));
    }

    [Fact]
    public void FunctionNamesAreUnique()
    {
        var names = Functions().Select(f => f.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
