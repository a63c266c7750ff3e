using CustomerPortal.Web.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace CustomerPortal.Web.Features.Gating;

/// <summary>The rule of the Pro Plan: only a Pro company's customers pay online or keep saved payment methods.</summary>
public static class ProPlanGate
{
    public static string NotEnabledMessage(string companyName) => $"Online payment is not enabled for {companyName}.";

    /// <summary>The 403 to answer for <paramref name="access"/>, or null when it may pay online.</summary>
    public static IResult? Refusal(CustomerAccess? access) =>
        access is { CanPayOnline: false }
            ? Results.Text(NotEnabledMessage(access.CompanyName), "text/plain; charset=utf-8", statusCode: StatusCodes.Status403Forbidden)
            : null;

    /// <summary>Puts the Pro Plan gate on minimal-API endpoints (or a group): <c>group.RequireProPlan()</c>.</summary>
    public static TBuilder RequireProPlan<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var access = await context.HttpContext.RequestServices.GetRequiredService<ICustomerContext>().GetAsync(context.HttpContext.RequestAborted);
            return ProPlanGate.Refusal(access) ?? await next(context);
        });
}

/// <summary>
/// Put on every payment and saved-method controller or action: a Standard-plan company's customer (or an agent viewing
/// as one) gets 403 "Online payment is not enabled for &lt;company&gt;." and the action does not run. The plan is read
/// on each request, so a plan switch takes effect on the next one. A request with no customer passes through (the
/// action answers it as it would anyway).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = true)]
public sealed class RequiresProPlanAttribute : Attribute, IAsyncResourceFilter
{
    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        var access = await context.HttpContext.RequestServices.GetRequiredService<ICustomerContext>().GetAsync(context.HttpContext.RequestAborted);
        if (access is { CanPayOnline: false })
        {
            context.Result = new ContentResult
            {
                StatusCode = StatusCodes.Status403Forbidden,
                ContentType = "text/plain; charset=utf-8",
                Content = ProPlanGate.NotEnabledMessage(access.CompanyName),
            };
            return;
        }
        await next();
    }
}
