// The event catalog's topics come from @ckt/domain (single source of names and partition counts).
// The mock cluster ignores topic configs such as the cursor topic's cleanup.policy=compact.
export { catalogTopics } from '@ckt/domain';
