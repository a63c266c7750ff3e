using CustomerPortal.Domain.Companies;
using CustomerPortal.Web.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace CustomerPortal.Web.Features.Gating;

/// <summary>
/// Put on every payment and saved-method controller or action: the Pro-plan rule (<see cref="ProPlan"/>) as an MVC
/// filter. A Standard-plan company's customer (or an agent viewing as one) gets 403 with the rule's
/// <see cref="ProPlan.NotEnabledMessage"/> as plain text, and the action does not run. The plan is read on each
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
            context.Result = new ContentResult
            {
                StatusCode = StatusCodes.Status403Forbidden,
                ContentType = "text/plain; charset=utf-8",
                Content = ProPlan.NotEnabledMessage(access.CompanyName),
            };
            return;
        }
        await next();
    }
}
