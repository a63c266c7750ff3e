using CustomerPortal.Domain;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using CustomerPortal.Web.Shared;

namespace CustomerPortal.Web.Api;

/// <summary>
/// Turns every failure of an API endpoint into a problem-details answer: <see cref="ApiProblem"/> as it says, a broken
/// business rule (<see cref="DomainException"/>) as 422, a lost race on the database as 409, anything else as 500.
/// Also turns off the MVC status-code pages for the API, so no API answer is ever an HTML page.
/// </summary>
public sealed class ApiErrorFilter(ILogger<ApiErrorFilter> log) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var statusPages = context.HttpContext.Features.Get<IStatusCodePagesFeature>();
        if (statusPages is not null) statusPages.Enabled = false;
        try
        {
            return await next(context);
        }
        catch (ApiProblem problem)
        {
            return problem.ToResult();
        }
        catch (DomainException ex)
        {
            return ApiProblem.Unprocessable(ex.Message).ToResult();
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApiProblem.Conflict(
                "The record was changed by another request at the same time. Send the request again.").ToResult();
        }
        catch (DbUpdateException ex)
        {
            log.LogWarning(
                ex, "Back-office API write refused by the database on {Path}", context.HttpContext.Request.Path.Value);
            return ApiProblem.Conflict(
                "Another request created or changed the same record at the same time. Send the request again.")
                .ToResult();
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Back-office API request failed on {Path}", context.HttpContext.Request.Path.Value);
            return TypedResults.Problem(
                "Something went wrong on our side. Nothing was saved unless a later read shows it was.",
                statusCode: StatusCodes.Status500InternalServerError, title: "Server error");
        }
    }
}
