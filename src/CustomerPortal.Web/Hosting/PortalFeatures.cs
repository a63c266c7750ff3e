using CustomerPortal.Web.Features.Documents;
using CustomerPortal.Web.Api;
using CustomerPortal.Web.Features.Staff;
using CustomerPortal.Web.Features.PaymentMethods;
using CustomerPortal.Web.Features.Payments;
using CustomerPortal.Web.Features.MakeAPayment;
using CustomerPortal.Web.Shared;

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
        services.AddFormInputRules();
        services.AddFeatureViews();
        services.AddDocuments();
        services.AddBackOfficeApi(config);
        services.AddStaffFeature();
        services.AddPaymentMethods();
        services.AddPayments(config);
        services.AddMakeAPayment(config);
        return services;
    }

    public static WebApplication MapPortalFeatures(this WebApplication app)
    {
        app.MapBackOfficeApi();
        app.MapStaffFeature();
        app.MapPayments();
        return app;
    }
}
