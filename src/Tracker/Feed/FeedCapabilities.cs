using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;
using Microsoft.OData.Edm.Vocabularies;
using Microsoft.OData.Edm.Vocabularies.V1;

namespace Tracker.Feed;

/// <summary>
/// What the feed supports, said in $metadata with the Org.OData.Capabilities.V1 vocabulary, so that a client such as
/// Power Query folds only what the feed answers: $filter with comparisons, and, or, not (no filter functions),
/// $orderby, $top, $skip, $count and $select; no $expand and no $search.
/// </summary>
public static class FeedCapabilities
{
    private const string Vocabulary = "Org.OData.Capabilities.V1.";

    /// <summary>Where the vocabulary is published (OASIS); $metadata references it with the alias Capabilities.</summary>
    public static readonly Uri VocabularyUri = new("https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Capabilities.V1.xml");

    public static void Annotate(EdmModel model, IEdmEntityContainer container, IEnumerable<IEdmEntitySet> sets)
    {
        var reference = new EdmReference(VocabularyUri);
        reference.AddInclude(new EdmInclude("Capabilities", "Org.OData.Capabilities.V1"));
        model.SetEdmReferences([reference]);
        Add(model, container, "FilterFunctions", new EdmCollectionExpression());
        foreach (var set in sets)
        {
            Add(model, set, "FilterRestrictions", Record(("Filterable", true), ("RequiresFilter", false)));
            Add(model, set, "SortRestrictions", Record(("Sortable", true)));
            Add(model, set, "ExpandRestrictions", Record(("Expandable", false)));
            Add(model, set, "SearchRestrictions", Record(("Searchable", false)));
            Add(model, set, "CountRestrictions", Record(("Countable", true)));
            Add(model, set, "SelectSupport", Record(("Supported", true)));
            Add(model, set, "TopSupported", new EdmBooleanConstant(true));
            Add(model, set, "SkipSupported", new EdmBooleanConstant(true));
        }
    }

    private static EdmRecordExpression Record(params (string Name, bool Value)[] properties) =>
        new([.. properties.Select(p => new EdmPropertyConstructor(p.Name, new EdmBooleanConstant(p.Value)))]);

    private static void Add(EdmModel model, IEdmVocabularyAnnotatable target, string term, IEdmExpression value)
    {
        var definition = CapabilitiesVocabularyModel.Instance.FindDeclaredTerm(Vocabulary + term)
            ?? throw new InvalidOperationException($"The Capabilities vocabulary has no term {term}.");
        var annotation = new EdmVocabularyAnnotation(target, definition, value);
        annotation.SetSerializationLocation(model, EdmVocabularyAnnotationSerializationLocation.Inline);
        model.AddVocabularyAnnotation(annotation);
    }
}
