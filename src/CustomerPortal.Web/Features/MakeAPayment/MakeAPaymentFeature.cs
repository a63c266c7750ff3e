namespace CustomerPortal.Web.Features.MakeAPayment;

public static class MakeAPaymentFeature
{
    public static IServiceCollection AddMakeAPayment(this IServiceCollection services) =>
        services.AddSingleton<InvoiceSnapshotCache>()
            .AddScoped(sp => new PayRequest(sp.GetRequiredService<Infrastructure.Data.AppDbContext>(), sp.GetRequiredService<InvoiceSnapshotCache>()))
            .AddScoped<PayPageQuery>().AddScoped<PaymentDraftService>();
}
