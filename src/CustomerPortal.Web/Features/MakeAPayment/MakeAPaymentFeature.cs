namespace CustomerPortal.Web.Features.MakeAPayment;

public static class MakeAPaymentFeature
{
    public static IServiceCollection AddMakeAPayment(this IServiceCollection services) =>
        services.AddScoped<PayRequest>().AddScoped<PayPageQuery>().AddScoped<PaymentDraftService>();
}
