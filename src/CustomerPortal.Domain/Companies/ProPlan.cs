namespace CustomerPortal.Domain.Companies;

/// <summary>
/// "Pro plan may pay": only the customers of a company on the Pro plan pay online or keep saved payment methods.
/// The portal's pages and actions (<c>[RequiresProPlan]</c>, Make a Payment, the Pay button), the back-office API's
/// filter and its charge all ask this, and all refuse with <see cref="NotEnabledMessage"/>.
/// </summary>
public static class ProPlan
{
    /// <summary>The refusal in short (an API problem's title).</summary>
    public const string NotEnabled = "Online payment is not enabled";

    public static bool MayPayOnline(Plan plan) => plan == Plan.Pro;

    /// <summary>"Online payment is not enabled for &lt;company&gt;."</summary>
    public static string NotEnabledMessage(string companyName) => $"{NotEnabled} for {companyName}.";
}
