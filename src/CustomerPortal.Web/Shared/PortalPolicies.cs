namespace CustomerPortal.Web.Shared;

/// <summary>The names of the authorization and rate-limit policies (defined in the composition root).</summary>
public static class PortalPolicies
{
    /// <summary>Support staff only.</summary>
    public const string Staff = "staff";

    /// <summary>Sign-in and set-password posts: a few per minute per client address.</summary>
    public const string SignInRateLimit = "sign-in";

    /// <summary>
    /// The Make a Payment page and its actions: a few at a time, the rest queued oldest first (the composition root's
    /// AddRateLimiter).
    /// </summary>
    public const string PayPageConcurrency = "pay-page";
}
