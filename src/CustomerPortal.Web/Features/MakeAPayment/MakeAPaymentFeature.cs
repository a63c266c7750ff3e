using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Drafts;

namespace CustomerPortal.Web.Features.MakeAPayment;

public static class MakeAPaymentFeature
{
    public static IServiceCollection AddMakeAPayment(this IServiceCollection services) =>
        services.AddSingleton<InvoiceSnapshotCache>()
            .AddScoped(sp => new PayRequest(sp.GetRequiredService<AppDbContext>(),
                sp.GetRequiredService<InvoiceSnapshotCache>(), sp.GetRequiredService<DraftStore>()))
            .AddScoped<PayPageQuery>().AddScoped<PaymentDraftService>();
}
