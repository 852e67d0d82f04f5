import cytoscape, { type Core } from 'cytoscape';
import { useEffect, useRef } from 'react';
import type { Element } from '../lib/graph';

/** The graph drawn with Cytoscape.js (loaded on demand); ``onSelect`` gets a node id. */
export default function GraphCanvas({
  elements,
  onSelect,
  height = 620,
}: {
  elements: Element[];
  onSelect: (id: string | null) => void;
  height?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | null>(null);
  const select = useRef(onSelect);
  select.current = onSelect;

  useEffect(() => {
    if (!ref.current) return undefined;
    const instance = cytoscape({
      container: ref.current,
      elements: elements as cytoscape.ElementDefinition[],
      maxZoom: 2,
      minZoom: 0.1,
      style: [
        {
          selector: 'node',
          style: {
            'background-color': 'data(color)',
            label: 'data(label)',
            'font-size': 11,
            'text-valign': 'bottom',
            'text-margin-y': 4,
            width: 22,
            height: 22,
            'text-wrap': 'ellipsis',
            'text-max-width': '140px',
          },
        },
        {
          selector: 'edge',
          style: {
            width: 1.5,
            'line-color': '#bfbfbf',
            'target-arrow-color': '#bfbfbf',
            'target-arrow-shape': 'triangle',
            'curve-style': 'bezier',
            label: 'data(kind)',
            'font-size': 9,
            color: '#8c8c8c',
            'text-rotation': 'autorotate',
          },
        },
        {
          selector: 'node.on-path',
          style: {
            'border-width': 4,
            'border-color': '#cf1322',
            width: 32,
            height: 32,
            'font-weight': 'bold',
          },
        },
        {
          selector: 'edge.on-path',
          style: { width: 4, 'line-color': '#cf1322', 'target-arrow-color': '#cf1322' },
        },
        { selector: ':selected', style: { 'overlay-opacity': 0.15, 'overlay-color': '#1677ff' } },
      ],
      layout: { name: 'cose', animate: false, nodeDimensionsIncludeLabels: true, randomize: false },
    });
    instance.on('tap', 'node', (event) => select.current(String(event.target.id())));
    instance.on('tap', (event) => {
      if (event.target === instance) select.current(null);
    });
    cy.current = instance;
    return () => {
      instance.destroy();
      cy.current = null;
    };
  }, [elements]);

  return <div ref={ref} className="graph-canvas" style={{ height }} data-testid="graph-canvas" />;
}
