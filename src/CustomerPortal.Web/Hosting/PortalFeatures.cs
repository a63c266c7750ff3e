using CustomerPortal.Web.Features.MakeAPayment;

namespace CustomerPortal.Web.Hosting;

/// <summary>
/// Where each feature plugs its services and endpoints in. One line per feature, so features can be added
/// without rewriting the composition root.
/// </summary>
public static class PortalFeatures
{
    public static IServiceCollection AddPortalFeatures(this IServiceCollection services, IConfiguration config)
    {
        _ = config;
        services.AddMakeAPayment();
        return services;
    }

    public static WebApplication MapPortalFeatures(this WebApplication app) => app;
}
