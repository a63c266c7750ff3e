using CustomerPortal.Domain.Companies;
using CustomerPortal.Infrastructure.Data;
using CustomerPortal.Web.Features.Gating;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Api;

/// <summary>
/// The Pro Plan gate for the back-office API's payment and saved-method endpoints: a Standard-plan company's key gets
/// 403 problem details "Online payment is not enabled for &lt;company&gt;." and the endpoint does not run. The plan is
/// read on each request, so a plan switch takes effect on the next one.
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
            if (company.Plan == Plan.Pro) return await next(context);
            return new ApiProblem(StatusCodes.Status403Forbidden, "Online payment is not enabled",
                ProPlanGate.NotEnabledMessage(company.Name)).ToResult();
        });
}
