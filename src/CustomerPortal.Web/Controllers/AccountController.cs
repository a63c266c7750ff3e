using System.ComponentModel.DataAnnotations;
using CustomerPortal.Infrastructure.Identity;
using CustomerPortal.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace CustomerPortal.Web.Controllers;

[Route("account")]
public sealed class AccountController(SignInManager<PortalUser> signIn, UserManager<PortalUser> users, ILogger<AccountController> log) : Controller
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

    /// <summary>An invited contact chooses a password with the one-time token the back office sent them.</summary>
    [HttpGet("set-password")]
    [AllowAnonymous]
    public IActionResult SetPassword(string? email = null, string? token = null) =>
        View(new SetPasswordForm { Email = email ?? "", Token = token ?? "" });

    [HttpPost("set-password")]
    [AllowAnonymous]
    [EnableRateLimiting(PortalComposition.SignInRateLimitPolicy)]
    public async Task<IActionResult> SetPassword(SetPasswordForm form)
    {
        if (!ModelState.IsValid) return View(form);
        var user = await users.FindByEmailAsync(form.Email.Trim());
        // The same message whether the email is unknown or the token is wrong: nothing to learn by probing.
        var result = user is null
            ? IdentityResult.Failed(new IdentityError { Code = "InvalidToken", Description = "Invalid token." })
            : await users.ResetPasswordAsync(user, form.Token.Trim(), form.Password);
        if (result.Succeeded)
        {
            log.LogInformation("Password set for {Email}", form.Email.Trim());
            TempData["Message"] = "Your password is set. Sign in with it now.";
            return RedirectToAction(nameof(SignIn));
        }
        foreach (var error in result.Errors)
        {
            if (error.Code == "InvalidToken") ModelState.AddModelError("", "This link has expired or was already used. Ask your service provider for a new invitation.");
            else ModelState.AddModelError(nameof(SetPasswordForm.Password), error.Description);
        }
        return View(form);
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

public sealed class SetPasswordForm
{
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(256)]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "The invitation link is incomplete. Open the link from your invitation email again.")]
    [StringLength(2000)]
    public string Token { get; set; } = "";

    [Required(ErrorMessage = "Choose a password.")]
    [StringLength(200, MinimumLength = 10, ErrorMessage = "Use at least 10 characters.")]
    [DataType(DataType.Password)]
    public string Password { get; set; } = "";

    [Required(ErrorMessage = "Type the password again.")]
    [Compare(nameof(Password), ErrorMessage = "The two passwords are not the same.")]
    [DataType(DataType.Password)]
    public string ConfirmPassword { get; set; } = "";
}
