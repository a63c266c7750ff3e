using CustomerPortal.Domain.Payments.Gateway;
using CustomerPortal.Infrastructure.Payments.Sandbox;
using CustomerPortal.Infrastructure.Payments.Stripe;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using global::Stripe;

namespace CustomerPortal.Infrastructure.Payments;

public static class PaymentGatewayRegistration
{
    /// <summary>
    /// Registers <see cref="IPaymentGateway"/>: Stripe when <c>Payments:Stripe:SecretKey</c> is set (every Stripe
    /// setting then validated on start), otherwise the embedded <see cref="SandboxProcessor"/>.
    /// </summary>
    public static IServiceCollection AddPaymentGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        var stripe = configuration.GetSection(StripeOptions.SectionName);
        if (!string.IsNullOrWhiteSpace(stripe[nameof(StripeOptions.SecretKey)]))
        {
            services.AddOptions<StripeOptions>().Bind(stripe).ValidateOnStart();
            services.AddSingleton<IValidateOptions<StripeOptions>, StripeOptionsValidator>();
            services.AddSingleton<IStripeClient>(sp =>
            {
                var o = sp.GetRequiredService<IOptions<StripeOptions>>().Value;
                return new StripeClient(new StripeClientOptions
                {
                    ApiKey = o.SecretKey,
                    ApiBase = string.IsNullOrWhiteSpace(o.ApiBase) ? null : o.ApiBase,
                    HttpClient = new SystemNetHttpClient(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, o.MaxNetworkRetries),
                });
            });
            services.AddSingleton<IPaymentGateway>(sp => new StripePaymentGateway(sp.GetRequiredService<IStripeClient>(),
                sp.GetRequiredService<IOptions<StripeOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<StripePaymentGateway>>()));
        }
        else
        {
            services.AddOptions<SandboxOptions>().Bind(configuration.GetSection(SandboxOptions.SectionName)).ValidateOnStart();
            services.AddSingleton<IValidateOptions<SandboxOptions>, SandboxOptionsValidator>();
            services.AddSingleton<SandboxProcessor>();
            services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<SandboxProcessor>());
        }
        return services;
    }
}
