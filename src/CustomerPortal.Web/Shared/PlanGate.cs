using CustomerPortal.Domain.Companies;
using CustomerPortal.Infrastructure.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Shared;

/// <summary>
/// The Pro-plan gate: the portal's adapters of the rule <see cref="ProPlan"/> (Domain), all here. A service asks
/// <see cref="RefuseIfNotAllowed"/> (or <see cref="MayChange"/> to draw controls); an MVC controller or action
/// carries <see cref="RequiresProPlanAttribute"/>; a back-office endpoint carries
/// <see cref="ApiProPlan.RequireProPlanForApi"/>.
/// </summary>
public static class PlanGate
{
    /// <summary>
    /// The viewer may pay and change payment methods: the company may take payments online
    /// (<see cref="CustomerAccess.CanPayOnline"/>) and it is not a support agent viewing as the customer.
    /// </summary>
    public static bool MayChange(CustomerAccess access) => RefuseIfNotAllowed(access) is null;

    /// <summary>Why this viewer may not pay or change payment methods (403), or null when they may.</summary>
    public static PayOutcome? RefuseIfNotAllowed(CustomerAccess access)
    {
        if (!access.CanPayOnline) return PayOutcome.Refused(403, ProPlan.NotEnabledMessage(access.CompanyName));
        if (access.IsReadOnly)
        {
            return PayOutcome.Refused(403,
                "You are viewing as the customer: paying and changing payment methods is not allowed.");
        }
        return null;
    }
}

/// <summary>
/// Put on every payment and saved-method controller or action: the Pro-plan rule (<see cref="ProPlan"/>) as an MVC
/// filter. A Standard-plan company's customer (or an agent viewing as one) gets 403 with the rule's
/// <see cref="ProPlan.NotEnabledMessage"/> on the portal's error page (as plain text to the page's script), and the
/// action does not run. The plan is read on each
/// request, so a plan switch takes effect on the next one. A request with no customer passes through (the action
/// answers it as it would anyway).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = true)]
public sealed class RequiresProPlanAttribute : Attribute, IAsyncResourceFilter
{
    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        var http = context.HttpContext;
        var access = await http.RequestServices.GetRequiredService<ICustomerContext>().GetAsync(http.RequestAborted);
        if (access is not null && !ProPlan.MayPayOnline(access.Plan))
        {
            var message = ProPlan.NotEnabledMessage(access.CompanyName);
            if (ErrorPage.IsScriptRequest(http.Request))
            {
                context.Result = new ContentResult
                {
                    StatusCode = StatusCodes.Status403Forbidden,
                    ContentType = "text/plain; charset=utf-8",
                    Content = message,
                };
                return;
            }
            // An empty 403: status code pages answer with the error page, in the layout, saying why.
            ErrorPage.Tell(http, message);
            context.Result = new StatusCodeResult(StatusCodes.Status403Forbidden);
            return;
        }
        await next();
    }
}

/// <summary>
/// The Pro-plan rule (<see cref="ProPlan"/>) for the back-office API's payment and saved-method endpoints: a
/// Standard-plan company's key gets 403 problem details with the rule's <see cref="ProPlan.NotEnabledMessage"/> and the
/// endpoint does not run. The plan is read on each request, so a plan switch takes effect on the next one.
/// </summary>
public static class ApiProPlan
{
    public static TBuilder RequireProPlanForApi<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var db = http.RequestServices.GetRequiredService<AppDbContext>();
            var companyId = http.User.CompanyId();
            var company = await db.Companies.AsNoTracking()
                .Where(c => c.Id == companyId)
                .Select(c => new { c.Name, c.Plan })
                .SingleAsync(http.RequestAborted);
            return ProPlan.MayPayOnline(company.Plan) ? await next(context) : NotEnabled(company.Name).ToResult();
        });

    /// <summary>The API's refusal for a company not on the Pro plan.</summary>
    public static ApiProblem NotEnabled(string companyName) =>
        new(StatusCodes.Status403Forbidden, ProPlan.NotEnabled, ProPlan.NotEnabledMessage(companyName));
}
