// Placeholder translation unit until the mapping engine lands.
namespace simpul::mappings {}
