namespace CustomerPortal.Web.Shared;

/// <summary>The error page: the status, and what was wrong when the portal can say it in plain words.</summary>
public sealed record ErrorPage(int Status, string? Message = null);
