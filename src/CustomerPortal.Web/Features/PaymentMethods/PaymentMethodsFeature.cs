namespace CustomerPortal.Web.Features.PaymentMethods;

/// <summary>Saved and entered payment methods' services (one line in <c>PortalFeatures</c>).</summary>
public static class PaymentMethodsFeature
{
    public static IServiceCollection AddPaymentMethods(this IServiceCollection services)
    {
        services.AddScoped<PaymentMethodService>();
        services.AddScoped<EnteredPaymentTokens>();
        services.AddScoped<DemoPaymentMethodSeeder>();
        return services;
    }
}
