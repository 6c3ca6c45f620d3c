using Microsoft.Extensions.DependencyInjection;

namespace Tracker.Mail;

public static class MailServices
{
    /// <summary>The Mail module: its options, the outbox-or-SMTP transport (unless a host registered its own
    /// <see cref="IMailTransport"/> first) and <see cref="MailDelivery"/>.</summary>
    public static IServiceCollection AddTrackerMail(this IServiceCollection services)
    {
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section).PostConfigure(SmtpOptions.TreatEmptyAsUnset)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).PostConfigure(MailOptions.TreatEmptyAsUnset)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SmtpTransport>();
        services.AddSingleton<OutboxTransport>();
        if (!services.Any(d => d.ServiceType == typeof(IMailTransport)))
        {
            services.AddSingleton<IMailTransport, OutboxOrSmtpTransport>();
        }
        services.AddSingleton<MailDelivery>();
        return services;
    }
}
