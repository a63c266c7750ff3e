namespace CustomerPortal.Web.Features.Payments;

/// <summary>Configuration section <c>Payments</c> (besides the processor's own sections).</summary>
public sealed class PaymentsOptions
{
    public const string SectionName = "Payments";

    /// <summary>
    /// A payment left submitted, unknown, processing or waiting for authentication this long is settled by asking the
    /// processor. Keep it well above the processor call's timeout (30 s): a payment younger than this may still be in
    /// the middle of its own charge call.
    /// </summary>
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A payment the processor never saw is failed (nothing charged) only after this long.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the background jobs (reconciler, sandbox settlement and event delivery) run.</summary>
    public TimeSpan JobInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Turn the timers off (tests run one pass at a time instead).</summary>
    public bool RunBackgroundJobs { get; set; } = true;

    /// <summary>
    /// With demo data on and the sandbox as processor, give the demo customers their saved card and bank account at
    /// start (<c>DemoPaymentMethodSeeder</c>). The web tests turn it off so each test starts with no saved methods.
    /// </summary>
    public bool SeedDemoMethods { get; set; } = true;

    /// <summary>How long one process keeps the reconciler lease.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    public IReadOnlyList<string> Problems()
    {
        var p = new List<string>();
        if (ReconcileAfter < TimeSpan.FromSeconds(1)) p.Add("Payments:ReconcileAfter must be at least one second.");
        if (GiveUpAfter < ReconcileAfter) p.Add("Payments:GiveUpAfter cannot be shorter than Payments:ReconcileAfter.");
        if (JobInterval < TimeSpan.FromMilliseconds(100)) p.Add("Payments:JobInterval must be at least 100 ms.");
        if (LeaseDuration < JobInterval) p.Add("Payments:LeaseDuration cannot be shorter than Payments:JobInterval.");
        return p;
    }
}
