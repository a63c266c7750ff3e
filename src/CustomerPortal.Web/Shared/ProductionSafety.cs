using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Infrastructure.Payments;

namespace CustomerPortal.Web.Shared;

/// <summary>
/// What a deployment outside Development has to ask for by name: the sandbox processor (it marks invoices paid with no
/// money moved and takes card numbers into the process) and the demo seed (users whose password is in the README).
/// Start-up fails naming the switch; while the sandbox runs outside Development every page carries a test-mode banner.
/// </summary>
public sealed class ProductionSafety
{
    public const string AllowSandboxSetting = "Payments:AllowSandbox";
    public const string AllowDemoDataSetting = "Database:AllowDemoData";

    private ProductionSafety(bool showsTestModeBanner) => ShowsTestModeBanner = showsTestModeBanner;

    /// <summary>The sandbox takes the payments outside Development: every page says that no real money moves.</summary>
    public bool ShowsTestModeBanner { get; }

    /// <summary>Throws, naming the switch to set, when something only Development may do is on without it.</summary>
    public static ProductionSafety Check(IConfiguration config, IHostEnvironment environment, DatabaseOptions database)
    {
        var sandbox = !PaymentGatewayRegistration.UsesStripe(config);
        if (environment.IsDevelopment()) return new ProductionSafety(showsTestModeBanner: false);

        var problems = new List<string>();
        if (sandbox && !config.GetValue<bool>(AllowSandboxSetting))
        {
            problems.Add($"The sandbox payment processor is on in the {environment.EnvironmentName} environment: "
                + "it marks invoices paid with no money moved. Configure Stripe (Payments:Provider=Stripe and its "
                + $"keys) or, for a demo or test deployment, set {AllowSandboxSetting}=true.");
        }
        if (database.SeedDemoData && !config.GetValue<bool>(AllowDemoDataSetting))
        {
            problems.Add($"Demo seeding (Database:SeedDemoData) is on in the {environment.EnvironmentName} "
                + "environment: it creates users whose password is published. Turn it off or, for a demo deployment, "
                + $"set {AllowDemoDataSetting}=true.");
        }
        if (problems.Count > 0) throw new InvalidOperationException(string.Join(" ", problems));
        return new ProductionSafety(showsTestModeBanner: sandbox);
    }
}
