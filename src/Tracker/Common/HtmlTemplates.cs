using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tracker.Common;

/// <summary>
/// Renders Razor components to HTML strings with ASP.NET Core's <see cref="HtmlRenderer"/>: mail bodies and pages are
/// templates (<c>*.razor</c>), encoded by the renderer, not concatenated. Rendering is static: no component waits.
/// </summary>
public static class HtmlTemplates
{
    private static readonly HtmlRenderer Renderer = new(new ServiceCollection().BuildServiceProvider(), NullLoggerFactory.Instance);

    public static string Render<TComponent>(IDictionary<string, object?> parameters) where TComponent : IComponent =>
        Renderer.Dispatcher.InvokeAsync(async () =>
            (await Renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString()).GetAwaiter().GetResult();
}
