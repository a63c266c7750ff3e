using CustomerPortal.Domain.Companies;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Web.Api;

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
