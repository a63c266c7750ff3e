using System.Globalization;
using CustomerPortal.Infrastructure.Identity;
using CustomerPortal.Web.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace CustomerPortal.Web.Features.Home;

public sealed class HomeController(ICustomerContext customers) : Controller
{
    /// <summary>The landing page: customers go to Make a Payment, support agents to their search.</summary>
    [HttpGet("/")]
    public async Task<IActionResult> Index(CancellationToken ct)
    {
        var access = await customers.GetAsync(ct);
        if (access is not null) return Redirect(PortalRoutes.Landing);
        if (User.IsInRole(Roles.Staff)) return Redirect(PortalRoutes.StaffLanding);
        return View("NoCustomer");
    }

    [Route("/error")]
    [Route("/error/{status:int}")]
    [AllowAnonymous]
    [IgnoreAntiforgeryToken]
    public IActionResult Error()
    {
        // Read from the route, not bound: run again for a request whose form cannot be read, MVC binds no parameter.
        var route = RouteData.Values["status"]?.ToString();
        var status = int.TryParse(route, CultureInfo.InvariantCulture, out var s) ? s : 500;
        return View("Error", new ErrorPage(status, ErrorPage.MessageOf(HttpContext)));
    }
}
