using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracker.Common;
using Tracker.Digests;
using Tracker.Jobs;
using Tracker.Metrics;
using Tracker.Portfolios;
using Tracker.Storage;
using Tracker.UpdateRequests;

namespace Tracker.Demo;

/// <summary>
/// Demo data for the run command's <c>--demo</c> flag: a portfolio with cloud, CRM and AI projects and twelve weeks
/// of weekly updates ending today. Deterministic (fixed seed) and written once: an existing demo portfolio is kept.
/// </summary>
public sealed partial class DemoSeeder(
    PortfolioStore portfolios, ProjectStore projects, ProgressRecorder recorder, HistoryLoader loader, MetricsEngine engine, Snapshots snapshots,
    SubscriptionStore subscriptions, TimeProvider time, ILogger<DemoSeeder> logger)
{
    public const string PortfolioId = "p-demo";

    private sealed record Plan(
        string Id, string Name, Category Category, Priority Priority, int StartWeeksAgo, int TargetWeeksAhead, decimal Budget,
        double WeeklyProgress, double Acceleration, bool Customer, string? Kpi, string? Measure,
        Priority? RaisedTo = null, decimal? BudgetRaise = null, bool GoesQuiet = false);

    private static readonly Plan[] Plans =
    [
        new(
            Id: "cloud-landing-zone",
            Name: "Cloud landing zone",
            Category: Category.Cloud,
            Priority: Priority.High,
            StartWeeksAgo: 20,
            TargetWeeksAhead: 10,
            Budget: 400_000,
            WeeklyProgress: 3.0,
            Acceleration: 0.4,
            Customer: false,
            Kpi: null,
            Measure: null,
            BudgetRaise: 80_000),
        new(
            Id: "erp-lift-and-shift",
            Name: "ERP lift and shift to Azure",
            Category: Category.Cloud,
            Priority: Priority.Medium,
            StartWeeksAgo: 30,
            TargetWeeksAhead: 4,
            Budget: 900_000,
            WeeklyProgress: 1.2,
            Acceleration: -0.1,
            Customer: false,
            Kpi: null,
            Measure: "hosting cost",
            RaisedTo: Priority.Critical),
        new(
            Id: "crm-consolidation",
            Name: "CRM consolidation",
            Category: Category.Crm,
            Priority: Priority.High,
            StartWeeksAgo: 16,
            TargetWeeksAhead: 30,
            Budget: 250_000,
            WeeklyProgress: 2.5,
            Acceleration: 0.3,
            Customer: true,
            Kpi: "NPS",
            Measure: "churn cost",
            BudgetRaise: 30_000),
        new(
            Id: "customer-portal",
            Name: "Self-service customer portal",
            Category: Category.Crm,
            Priority: Priority.Medium,
            StartWeeksAgo: 12,
            TargetWeeksAhead: 20,
            Budget: 180_000,
            WeeklyProgress: 2.0,
            Acceleration: 0.0,
            Customer: true,
            Kpi: "first-contact resolution",
            Measure: null),
        new(
            Id: "contact-centre-crm",
            Name: "Contact centre CRM roll-out",
            Category: Category.Crm,
            Priority: Priority.Low,
            StartWeeksAgo: 24,
            TargetWeeksAhead: 2,
            Budget: 120_000,
            WeeklyProgress: 0.8,
            Acceleration: -0.05,
            Customer: true,
            Kpi: "average handling time",
            Measure: "cost to serve",
            GoesQuiet: true),
        new(
            Id: "demand-forecasting",
            Name: "AI demand forecasting",
            Category: Category.Ai,
            Priority: Priority.High,
            StartWeeksAgo: 14,
            TargetWeeksAhead: 26,
            Budget: 300_000,
            WeeklyProgress: 2.2,
            Acceleration: 0.5,
            Customer: false,
            Kpi: null,
            Measure: "inventory cost",
            RaisedTo: Priority.Critical),
        new(
            Id: "churn-prediction",
            Name: "Churn prediction model",
            Category: Category.Ai,
            Priority: Priority.Medium,
            StartWeeksAgo: 10,
            TargetWeeksAhead: 16,
            Budget: 90_000,
            WeeklyProgress: 3.5,
            Acceleration: 0.2,
            Customer: true,
            Kpi: "retention rate",
            Measure: "churn cost",
            BudgetRaise: 20_000),
    ];

    public async Task<bool> SeedAsync(CancellationToken ct)
    {
        if (await portfolios.FindAsync(PortfolioId, ct) is not null)
        {
            return false;
        }
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var random = new Random(2020);
        foreach (var plan in Plans)
        {
            var body = new CreateProjectRequest
            {
                Id = plan.Id,
                Name = plan.Name,
                Category = plan.Category,
                Status = ProjectStatus.Active,
                Priority = plan.Priority,
                Owner = $"{TrackerJson.Name(plan.Category)}.lead@example.com",
                StartDate = today.AddDays(-7 * plan.StartWeeksAgo),
                TargetDate = today.AddDays(7 * plan.TargetWeeksAhead),
                Budget = plan.Budget,
                CustomerEngagement = plan.Customer,
                CustomerKpi = plan.Kpi,
                FinancialMeasure = plan.Measure,
            };
            if (await projects.FindAsync(PortfolioId, plan.Id, ct) is null)
            {
                await projects.AddAsync(ProjectHandlers.NewEntity(PortfolioId, body, plan.Id, now.AddDays(-7 * 13)), ct);
            }
            await SeedUpdatesAsync(plan, now, random, ct);
        }
        var portfolio = await portfolios.AddAsync(new PortfolioEntity
        {
            RowKey = PortfolioId,
            Name = "EMEA transformation (demo)",
            Owner = "pmo@example.com",
            TimeZone = "Europe/Amsterdam",
            Currency = "EUR",
            // Fortnightly requests: the weekly updaters are never due, the project that went quiet is.
            RequestSettings = new UpdateRequestSettings { Enabled = true, Cadence = RequestCadence.EveryDays, EveryDays = 14, SendTime = "09:00" },
            CreatedAt = now.AddDays(-7 * 13),
            UpdatedAt = now,
        }, ct);
        // Twelve weeks of daily snapshots, as if ComputeMetrics had run every day, so history and trends show at once.
        var histories = await loader.LoadAsync(PortfolioId, ct);
        var localToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, portfolio.Zone).DateTime);
        for (var day = localToday.AddDays(-83); day <= localToday; day = day.AddDays(1))
        {
            await snapshots.WriteAsync(engine.Compute(PortfolioId, histories, day, portfolio.Zone), now, ct);
        }
        // An owner subscribed to a daily digest due this hour, so the first SendDigests run writes one to the outbox.
        var local = TimeZoneInfo.ConvertTime(now, portfolio.Zone);
        await subscriptions.AddAsync(new SubscriptionEntity
        {
            PartitionKey = PortfolioId,
            RowKey = "owner-daily",
            Email = "owner@example.com",
            Cadence = "daily",
            SendTime = $"{local.Hour:00}:00",
            TimeZone = portfolio.TimeZone,
            CreatedAt = now.AddDays(-7),
        }, ct);
        LogSeeded(PortfolioId, Plans.Length);
        return true;
    }

    private async Task SeedUpdatesAsync(Plan plan, DateTimeOffset now, Random random, CancellationToken ct)
    {
        var percent = Math.Max(0, (plan.StartWeeksAgo - 12) * plan.WeeklyProgress);
        var spend = 0m;
        var budget = plan.Budget;
        var weeks = plan.GoesQuiet ? 7 : 12;
        for (var week = 12; week > 12 - weeks; week--)
        {
            var weekIndex = 12 - week;
            percent = Math.Min(100, percent + Math.Max(0, plan.WeeklyProgress + plan.Acceleration * (weekIndex - 6) / 3 + (random.NextDouble() - 0.5)));
            spend += Math.Round(plan.Budget / 40 * (decimal)(0.8 + random.NextDouble() * 0.6), 0);
            var update = new PostUpdateRequest
            {
                ReportedAt = now.AddDays(-7 * week + 1).AddHours(-random.Next(0, 8)),
                PercentComplete = Math.Round((decimal)percent, 1),
                Spend = spend,
                Budget = weekIndex == 8 && plan.BudgetRaise is { } raise ? budget += raise : null,
                Priority = weekIndex == 9 ? plan.RaisedTo : null,
                Note = weekIndex % 4 == 0 ? $"Week {weekIndex + 1}: steering committee review" : null,
                ReportedBy = "lead@example.com",
            };
            await recorder.RecordAsync(PortfolioId, plan.Id, update, "demo", ct);
        }
    }

    [LoggerMessage(LogLevel.Information, "Seeded demo portfolio {PortfolioId} with {ProjectCount} projects")]
    private partial void LogSeeded(string portfolioId, int projectCount);
}

/// <summary>Seeds the demo portfolio after start when <c>Tracker:SeedDemoData</c> is true.</summary>
public sealed class DemoSeederService(
    DemoSeeder seeder, StorageInitializer storage, JobRunner runner, SendDigestsJob digests, UpdateRequestService requests, PortfolioStore portfolios,
    IOptions<TrackerOptions> options)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SeedDemoData)
        {
            return;
        }
        while (!storage.IsReady)
        {
            await Task.Delay(500, stoppingToken);
        }
        if (await seeder.SeedAsync(stoppingToken))
        {
            await runner.EnqueueAsync(digests, "demo", null, stoppingToken);
            // The owner of the project that went quiet is asked for an update now (one request in the outbox).
            await requests.SendAsync(await portfolios.GetAsync(DemoSeeder.PortfolioId, stoppingToken), anyTime: true, null, stoppingToken);
        }
    }
}
