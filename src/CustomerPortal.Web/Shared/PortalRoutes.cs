namespace CustomerPortal.Web.Shared;

/// <summary>
/// Where the landing redirects go: a customer's landing page and a support agent's. The features that serve these
/// pages route with the same constants (<c>MakeAPaymentRoutes.Page</c>, <c>StaffRoutes.Customers</c>), so the address
/// is written once and no feature has to know another to send a person home.
/// </summary>
public static class PortalRoutes
{
    public const string Landing = "/pay";
    public const string StaffLanding = "/staff/customers";
}
