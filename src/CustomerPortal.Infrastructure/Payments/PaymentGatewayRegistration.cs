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
    public const string ProviderKey = "Payments:Provider";

    /// <summary>
    /// Registers <see cref="IPaymentGateway"/> as <c>Payments:Provider</c> says: <c>Stripe</c> (every Stripe setting
    /// validated on start, so Stripe without keys refuses to start and names the missing setting) or <c>Sandbox</c>.
    /// Without <c>Payments:Provider</c>, Stripe is used when <c>Payments:Stripe:SecretKey</c> is set, else the sandbox.
    /// </summary>
    public static IServiceCollection AddPaymentGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        var stripe = configuration.GetSection(StripeOptions.SectionName);
        if (UsesStripe(configuration))
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
                    HttpClient = new SystemNetHttpClient(
                        new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, o.MaxNetworkRetries),
                });
            });
            services.AddSingleton<IPaymentGateway>(sp => new StripePaymentGateway(
                sp.GetRequiredService<IStripeClient>(),
                sp.GetRequiredService<IOptions<StripeOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<StripePaymentGateway>>()));
        }
        else
        {
            services.AddOptions<SandboxOptions>().Bind(configuration.GetSection(SandboxOptions.SectionName))
                // A relative path lives beside the portal's own data (content root/data), wherever the process starts.
                .PostConfigure<Microsoft.Extensions.Hosting.IHostEnvironment>((o, env) =>
                    o.DatabasePath = Path.IsPathRooted(o.DatabasePath)
                        ? o.DatabasePath
                        : Path.Combine(env.ContentRootPath, o.DatabasePath))
                // No webhook secret configured: the installation's own, generated beside the sandbox's database.
                .PostConfigure(o => o.WebhookSecret = string.IsNullOrWhiteSpace(o.WebhookSecret)
                    ? SandboxWebhookSecret.LoadOrCreate(Path.GetDirectoryName(Path.GetFullPath(o.DatabasePath))!)
                    : o.WebhookSecret)
                .ValidateOnStart();
            services.AddSingleton<IValidateOptions<SandboxOptions>, SandboxOptionsValidator>();
            services.AddSingleton<SandboxProcessor>();
            services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<SandboxProcessor>());
        }
        return services;
    }

    /// <summary>True when the configuration chooses Stripe; throws for a provider name it does not know.</summary>
    public static bool UsesStripe(IConfiguration configuration)
    {
        var provider = configuration[ProviderKey];
        if (string.IsNullOrWhiteSpace(provider))
        {
            return !string.IsNullOrWhiteSpace(
                configuration[$"{StripeOptions.SectionName}:{nameof(StripeOptions.SecretKey)}"]);
        }
        if (string.Equals(provider, "Stripe", StringComparison.OrdinalIgnoreCase)) return true;
        if (string.Equals(provider, "Sandbox", StringComparison.OrdinalIgnoreCase)) return false;
        throw new InvalidOperationException($"{ProviderKey} is '{provider}'; it must be Sandbox or Stripe.");
    }
}
