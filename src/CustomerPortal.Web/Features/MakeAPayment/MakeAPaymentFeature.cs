using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Drafts;

namespace CustomerPortal.Web.Features.MakeAPayment;

/// <summary>Configuration section "MakeAPayment".</summary>
public sealed class MakeAPaymentOptions
{
    public const string Section = "MakeAPayment";

    /// <summary>
    /// Keep what the page reads of a customer's invoices between requests, under the invoices version
    /// (<see cref="KeptInvoiceReadModel"/>, ADR 0011). Off: every request reads them from the database.
    /// </summary>
    public bool KeepSnapshots { get; set; } = true;
}

public static class MakeAPaymentFeature
{
    public static IServiceCollection AddMakeAPayment(this IServiceCollection services, IConfiguration config)
    {
        var options = config.GetSection(MakeAPaymentOptions.Section).Get<MakeAPaymentOptions>()
            ?? new MakeAPaymentOptions();
        if (options.KeepSnapshots)
        {
            services.AddSingleton<InvoiceSnapshotCache>();
            services.AddScoped(sp => PayRequest(sp, new KeptInvoiceReadModel(
                new InvoiceReadModel(sp.GetRequiredService<AppDbContext>()),
                sp.GetRequiredService<InvoiceSnapshotCache>())));
        }
        else
        {
            services.AddScoped(sp => PayRequest(sp, new InvoiceReadModel(sp.GetRequiredService<AppDbContext>())));
        }
        return services.AddScoped<PayPageQuery>().AddScoped<PaymentDraftService>();
    }

    private static PayRequest PayRequest(IServiceProvider sp, IInvoiceReadModel reads) =>
        new(sp.GetRequiredService<AppDbContext>(), reads, sp.GetRequiredService<DraftStore>());
}
