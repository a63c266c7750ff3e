using CustomerPortal.Web.Shared;
using Microsoft.AspNetCore.Mvc;

namespace CustomerPortal.Web.Features.Home;

/// <summary>A plain landing page for a signed-in person (replaced as the landing by Make a Payment).</summary>
public sealed class WelcomeController(ICustomerContext customers) : Controller
{
    [HttpGet("/welcome")]
    public async Task<IActionResult> Index(CancellationToken ct) => View("Welcome", await customers.GetAsync(ct));
}
