using CustomerPortal.Web.Features.Payments;

namespace CustomerPortal.Web.Hosting;

/// <summary>
/// Where each feature plugs its services and endpoints in. One line per feature, so features can be added
/// without rewriting the composition root.
/// </summary>
public static class PortalFeatures
{
    public static IServiceCollection AddPortalFeatures(this IServiceCollection services, IConfiguration config)
    {
        services.AddPayments(config);
        return services;
    }

    public static WebApplication MapPortalFeatures(this WebApplication app)
    {
        app.MapPayments();
        return app;
    }
}
