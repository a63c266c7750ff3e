using System.ComponentModel.DataAnnotations;
using CustomerPortal.Infrastructure.Identity;
using CustomerPortal.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace CustomerPortal.Web.Controllers;

[Route("account")]
public sealed class AccountController(SignInManager<PortalUser> signIn, ILogger<AccountController> log) : Controller
{
    [HttpGet("sign-in")]
    [AllowAnonymous]
    public IActionResult SignIn(string? returnUrl = null) =>
        User.Identity?.IsAuthenticated == true ? LocalRedirect(SafeReturnUrl(returnUrl)) : View(new SignInForm { ReturnUrl = returnUrl });

    [HttpPost("sign-in")]
    [AllowAnonymous]
    [EnableRateLimiting(PortalComposition.SignInRateLimitPolicy)]
    public async Task<IActionResult> SignIn(SignInForm form)
    {
        if (!ModelState.IsValid) return View(form);
        var result = await signIn.PasswordSignInAsync(form.Email.Trim(), form.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            log.LogInformation("Signed in {Email}", form.Email.Trim());
            return LocalRedirect(SafeReturnUrl(form.ReturnUrl));
        }
        if (result.IsLockedOut)
        {
            log.LogWarning("Sign-in refused: account locked {Email}", form.Email.Trim());
            ModelState.AddModelError("", "This account is locked after too many failed attempts. Try again in 15 minutes.");
        }
        else
        {
            ModelState.AddModelError("", "The email or password is not right.");
        }
        return View(form);
    }

    [HttpPost("sign-out")]
    public async Task<IActionResult> SignOutNow()
    {
        await signIn.SignOutAsync();
        return RedirectToAction(nameof(SignIn));
    }

    [HttpGet("denied")]
    public IActionResult Denied() => View();

    private string SafeReturnUrl(string? returnUrl) => !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}

public sealed class SignInForm
{
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(256)]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "Enter your password.")]
    [DataType(DataType.Password)]
    [StringLength(200)]
    public string Password { get; set; } = "";

    public string? ReturnUrl { get; set; }
}
